#!/bin/sh
# Builds the libFuzzer harnesses (tests/fuzz) with clang in build-fuzz/ and
# runs each for SECONDS (default 60), starting from its seed corpus in
# tests/fuzz/corpus/<name>/. New inputs go to build-fuzz/corpus-<name>/, so
# the committed seeds stay as they are; a crash leaves its input in
# build-fuzz/<name>-crash-* and fails the script.
set -eu
seconds=${1:-60}
cd "$(dirname "$0")/.."
scripts/setup.sh --packages-only

cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTASKFS_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target path_fuzz protocol_fuzz

for name in path protocol; do
  echo "== fuzzing the $name decoder for ${seconds}s"
  mkdir -p "build-fuzz/corpus-$name"
  "build-fuzz/tests/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build-fuzz/$name-" \
    "build-fuzz/corpus-$name" "tests/fuzz/corpus/$name"
done
