#!/bin/sh
# Sets up a fresh Debian 12 machine (packages, build) and runs every test.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
ctest --output-on-failure -j 2 "$@"
