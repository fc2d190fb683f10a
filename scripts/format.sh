#!/bin/sh
# Checks that src/, include/ and bench/ follow .clang-format; with --fix,
# reformats them instead. Exits 1 when a file differs.
set -eu
cd "$(dirname "$0")/.."
format=$(command -v clang-format-14 || command -v clang-format) || {
  echo "format.sh: clang-format is not installed (apt-get install clang-format)" >&2
  exit 2
}
files=$(git ls-files 'src/*.cpp' 'src/*.hpp' 'include/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
if [ "${1:-}" = "--fix" ]; then
  # shellcheck disable=SC2086
  "$format" -i $files
else
  # shellcheck disable=SC2086
  "$format" --dry-run --Werror $files
fi
