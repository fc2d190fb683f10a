#!/usr/bin/env bash
# Builds the examples as standalone projects against an installed taskfs, runs
# their run.sh and checks what they print; then runs the demo chain of the
# repository on a tiny subset and checks its report, one image and its picture.
#
#   usage: run_examples.sh PREFIX --mount|--no-mount [DEMO_TASKS]
#
# PREFIX      where taskfs is installed (cmake --install build --prefix PREFIX)
# --mount     read results through a FUSE mount; --no-mount: with `taskfs run`
# DEMO_TASKS  the demo's task library (default: build/tasks/libtasks.so)
set -euo pipefail

if [[ $# -lt 2 || ($2 != --mount && $2 != --no-mount) ]]; then
  echo "usage: $0 PREFIX --mount|--no-mount [DEMO_TASKS]" >&2
  exit 2
fi
prefix=$(realpath "$1")
if [[ $2 == --no-mount ]]; then
  run_args=(--no-mount) run_how="with taskfs run"
else
  run_args=() run_how="through a mount"
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
demo_tasks=$(realpath "${3:-$repo/build/tasks/libtasks.so}")
export TASKFS=$prefix/bin/taskfs
# Debian's python3-numpy is installed for Debian's python3, whichever python3
# comes first on PATH.
export PYTHON=/usr/bin/python3

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples" "$work/"
failures=0

# Fails the run unless the file has a line equal to the expected one.
expect_line() {
  local file=$1 line=$2
  if ! grep -qxF -- "$line" "$file"; then
    echo "FAIL: $(basename "$file") lacks the line: $line" >&2
    failures=$((failures + 1))
  fi
}

# Builds the example, runs it, and leaves its output in $work/NAME.log.
build_and_run() {
  local dir=$work/examples/$1 log=$work/$1.log
  echo "-- $1: build"
  cmake -S "$dir" -B "$dir/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$dir/build" >/dev/null
  echo "-- $1: run.sh, results read $run_how"
  if ! "$dir/run.sh" "${run_args[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    echo "FAIL: $1/run.sh exited with an error" >&2
    failures=$((failures + 1))
  fi
}

build_and_run wordcount
log=$work/wordcount.log
expect_line "$log" "525"        # words in data/*.txt
expect_line "$log" "the 24"     # the most frequent word
expect_line "$log" "Rabbit 3"   # lowercase:false keeps case apart
expect_line "$log" "k=5: and 15"
expect_line "$log" "same top 20"
expect_line "$log" "make: 'out/top5.md' is up to date."  # the result's mtime is stable
expect_line "$work/examples/wordcount/out/top5.md" "- **of** (18)"
# analyse.py (through the mount only): json and numpy.loadtxt over mounted
# results, checked against the same figures made by a Unix pipeline.
if [[ -z ${run_args[*]} ]]; then
  words=$(cat "$work"/examples/wordcount/data/*.txt | LC_ALL=C tr -cs 'A-Za-z' '\n' | grep -v '^$')
  distinct=$(printf '%s\n' "$words" | LC_ALL=C tr '[:upper:]' '[:lower:]' | LC_ALL=C sort -u |
    wc -l)
  mean=$(printf '%s\n' "$words" |
    awk '{ n++; letters += length($0) } END { printf "%.3f", letters / n }')
  expect_line "$log" "words: 525, distinct: $distinct"
  expect_line "$log" "lengths add up to the words: True"
  expect_line "$log" "mean word length: $mean"
fi

build_and_run thumbnails
log=$work/thumbnails.log
expect_line "$log" "32 32"
expect_line "$log" "out/gradient-16.pgm: 16 12"  # the aspect ratio is kept
expect_line "$log" "out/disc-8.pgm: 8 8"          # read from a binary PGM
expect_line "$log" "identical"
expect_line "$log" "out/contact_sheet.pgm: 88 60"
for image in "$work"/examples/thumbnails/out/*.pgm; do
  [[ $(head -c 2 "$image") == P5 ]] || {
    echo "FAIL: $image is not a binary PGM" >&2
    failures=$((failures + 1))
  }
done

echo "-- demo chain on a tiny subset"
report=$work/demo-report.txt
(cd "$repo" && "$TASKFS" run --tasks "$demo_tasks" --store "$work/demo-store" \
  'results/decode_train=subset:500,decode_eval=subset:200') >"$report"
accuracy=$(awk '$1 == "accuracy:" { print $2 }' "$report")
if ! awk -v a="${accuracy:-0}" 'BEGIN { exit !(a > 0.5 && a <= 1) }'; then
  cat "$report" >&2
  echo "FAIL: the demo report gives no plausible accuracy" >&2
  failures=$((failures + 1))
fi
expect_line "$report" "evaluation: 200 images"

echo "-- one image of the demo: an element of the preproc_train collection"
image=$work/demo-image.txt
(cd "$repo" && "$TASKFS" run --tasks "$demo_tasks" --store "$work/demo-store" \
  'preproc_train/decode_train=subset:500/0') >"$image"
expect_line "$image" "label 9 (Ankle boot)"  # the first image of the training split
if [[ $(wc -l <"$image") != 29 ]]; then
  echo "FAIL: the image is not its label and 28 lines of 28 characters" >&2
  failures=$((failures + 1))
fi

echo "-- the demo's picture: the confusion matrix as a PNG"
picture=$work/confusion.png
(cd "$repo" && "$TASKFS" run --tasks "$demo_tasks" --store "$work/demo-store" \
  'confusion_png/decode_train=subset:500,decode_eval=subset:200') >"$picture"
size=$(python3 -c 'import struct, sys
png = open(sys.argv[1], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR", "not a PNG"
print("%d x %d" % struct.unpack(">II", png[16:24]))' "$picture") || size="not a PNG"
if [[ $size != "251 x 251" ]]; then
  echo "FAIL: confusion_png is $size, expected a 251 x 251 PNG" >&2
  failures=$((failures + 1))
fi

if ((failures)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all example checks passed"
