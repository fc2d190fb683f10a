#!/bin/sh
# Sets up a fresh Debian 12 machine (packages, build) and runs every test:
# the suite, then the same suite built with ASan+UBSan (build-asan/), then
# each fuzzer for 60 s (build-fuzz/). Arguments go to both ctest runs.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
(cd build && ctest --output-on-failure -j 2 "$@")
scripts/sanitize.sh "$@"
scripts/fuzz.sh 60
