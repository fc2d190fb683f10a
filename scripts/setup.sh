#!/bin/sh
# Installs the Debian 12 packages taskfs needs that are missing, then
# configures and builds taskfs in build/ (not with --packages-only). Used by
# demo.sh, test.sh, sanitize.sh and fuzz.sh.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential cmake pkg-config fuse3 libfuse3-dev libsqlite3-dev libxxhash-dev
libcereal-dev rapidjson-dev libboost-program-options-dev libgtest-dev libgmock-dev
libbenchmark-dev zlib1g-dev dataset-fashion-mnist attr python3 util-linux
libpq-dev postgresql
libgraphviz-dev libpng-dev python3-numpy bash-completion groff-base dpkg-dev file
clang libclang-rt-dev clang-format"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "taskfs setup: installing$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

[ "${1:-}" = "--packages-only" ] && exit 0

# Warnings are errors (the compiler is Debian 12's): CI builds through this script.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTASKFS_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
