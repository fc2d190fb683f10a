#!/usr/bin/env bash
# The thumbnails example, driven through the mount with ordinary Unix tools.
# Every result is a PGM image: open out/*.pgm, or the files in mnt/, with any
# image viewer (eog, feh, display, gimp).
#
#   cmake -B build -DCMAKE_PREFIX_PATH=<taskfs prefix> && cmake --build build
#   ./run.sh [--no-mount]
#
# TASKFS names the taskfs program (default: taskfs on PATH). With --no-mount the
# results are read with `taskfs run` instead of cat (no FUSE needed).
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source-path=SCRIPTDIR
source ../session.sh
start_session "$@"
mkdir -p out

# A variant of thumbnail for one image file: the path is a param value of the
# upstream task decode, its '/' percent-encoded.
thumbnail_of() {
  echo "thumbnail/size:$2,decode=image:${1//\//%2F}"
}

# Prints "WIDTH HEIGHT" of the PGM image on stdin, and fails unless it is one.
pgm_size() {
  local magic width height
  read -r magic && read -r width height || return 1
  cat >/dev/null  # the pixels: read them all, so that the writer never gets SIGPIPE
  [[ $magic == P5 ]] || return 1
  echo "$width $height"
}

echo "== the default thumbnail (data/rings.pgm, longer side 32)"
result thumbnail/default | pgm_size

echo "== thumbnails of every image at sizes 8, 16, 32"
for image in data/*.pgm; do
  for size in 8 16 32; do
    name=$(basename "$image" .pgm)-$size.pgm
    result "$(thumbnail_of "$image" "$size")" >"out/$name"
    echo "out/$name: $(pgm_size <"out/$name")"
  done
done

echo "== cached variants of thumbnail"
list_variants thumbnail

echo "== a thumbnail as large as its image is the decoded image itself"
cmp <(result decode/image:data%2Frings.pgm) <(result "$(thumbnail_of data/rings.pgm 64)")
echo "identical"

echo "== the contact sheet of all images, 3 columns of 24 pixels"
result contact_sheet/size:24,columns:3 >out/contact_sheet.pgm
echo "out/contact_sheet.pgm: $(pgm_size <out/contact_sheet.pgm)"
