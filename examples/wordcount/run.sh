#!/usr/bin/env bash
# The wordcount example, driven through the mount with ordinary Unix tools.
#
#   cmake -B build -DCMAKE_PREFIX_PATH=<taskfs prefix> && cmake --build build
#   ./run.sh [--no-mount]
#
# TASKFS names the taskfs program (default: taskfs on PATH). With --no-mount the
# results are read with `taskfs run` instead of cat (no FUSE needed). PYTHON
# names a Python 3 with numpy for analyse.py (default: python3).
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source-path=SCRIPTDIR
source ../session.sh
start_session "$@"

# The same top-k list made by a Unix pipeline, to compare with.
unix_top() {
  cat data/*.txt | LC_ALL=C tr -cs 'A-Za-z' '\n' | LC_ALL=C tr '[:upper:]' '[:lower:]' | grep -v '^$' |
    LC_ALL=C sort | uniq -c | LC_ALL=C sort -k1,1nr -k2,2 | head -n "$1" | awk '{print $2, $1}'
}

echo "== words in all files"
result total/default

echo "== the five most frequent words"
result topk/k:5

echo "== how often 'rabbit' occurs, case kept apart"
result counts/lowercase:false | grep -i '^rabbit '

echo "== the k-th most frequent word, for k in 1 2 5 10 20"
for k in 1 2 5 10 20; do
  echo "k=$k: $(result "topk/k:$k" | tail -n 1)"
done

echo "== cached variants of topk"
list_variants topk

echo "== diff with the Unix pipeline"
diff <(result topk/k:20) <(unix_top 20)
echo "same top 20"

echo "== make, with the top-5 file as a prerequisite"
make --no-print-directory RESULTS="$(results_dir topk/k:5)" out/top5.md
cat out/top5.md
echo "== make again: the top 5 have not changed"
make --no-print-directory RESULTS="$(results_dir topk/k:5)" out/top5.md

if ((USE_MOUNT)); then
  echo "== Python: json and numpy over the mounted files"
  "${PYTHON:-python3}" analyse.py mnt
fi
