#!/bin/sh
# Runs clang-tidy (the checks of .clang-tidy) over every source file of src/,
# two at a time, against build/compile_commands.json; exits 1 on any finding.
# Usage: scripts/tidy.sh [BUILD_DIR]   (configure and build it first)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || {
  echo "tidy.sh: clang-tidy is not installed (apt-get install clang-tidy)" >&2
  exit 2
}
[ -f "$build/compile_commands.json" ] || {
  echo "tidy.sh: no $build/compile_commands.json; configure and build $build first" >&2
  exit 2
}
git ls-files 'src/*.cpp' | xargs -P 2 -n 4 "$tidy" -p "$build" --quiet
