#!/bin/sh
# Runs clang-tidy (the checks of .clang-tidy) over the daemon's sources in src/,
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
# src/entry/registry_entry.cpp is left out: it is compiled into each task
# library with that library's flags (GCC-only ones among them), and it is
# three lines that only name the registry.
git ls-files 'src/*.cpp' ':!src/entry/*' | xargs -P 2 -n 4 "$tidy" -p "$build" --quiet
