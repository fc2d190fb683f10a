#!/usr/bin/env bash
# Figure 1, hit latency: a small cached result read through the mount, against
# the same bytes in a plain file. Whole-process `cat` (interleaved runs, median)
# and in-process open+read+close (Google Benchmark, per-call p50/p99).
source "$(dirname "$0")/lib.sh"
begin_figure hit
runs=${BENCH_HIT_RUNS:-300}

"$TASKFS" run bytes --tasks "$BENCH_BYTES_LIB" --store store >plain.txt
mount_fg mnt "$BENCH_BYTES_LIB" store
cmp -s mnt/bytes/default plain.txt || { echo "the mount serves other bytes" >&2; exit 1; }

say "cat, $runs runs each, interleaved"
times=$(spawn_runs "$runs" cat "$FIG_DIR/mnt/bytes/default" -- cat "$FIG_DIR/plain.txt")
{ read -r mount_us _; read -r plain_us _; } <<<"$times"
ratio=$(calc "$mount_us / $plain_us" 2)
row "1 hit: cat of a 1 KiB cached result (median)" "$(calc "$mount_us") us (x$ratio)" \
  "<= 1.3x plain" "plain cat $(calc "$plain_us") us" "$(check "$ratio" '<=' 1.3)"

if [[ -z $BENCH_OPEN_READ ]]; then
  row "1 hit: open+read+close p50" "not built (no Google Benchmark)" "< 100 us" "-" MISS
  exit 0
fi
say "open+read+close in-process"
"$BENCH_OPEN_READ" --benchmark_format=json mount="$FIG_DIR/mnt/bytes/default" \
  plain="$FIG_DIR/plain.txt" >open_read.json
percentiles() {
  jq -r --arg n "open_read_close/$1" \
    '.benchmarks[] | select(.name | startswith($n)) | "\(.p50_us) \(.p99_us)"' open_read.json
}
read -r p50 p99 <<<"$(percentiles mount)"
read -r plain_p50 plain_p99 <<<"$(percentiles plain)"
row "1 hit: open+read+close in-process (p50, p99)" \
  "$(calc "$p50") us, p99 $(calc "$p99") us" "p50 < 100 us" \
  "plain $(calc "$plain_p50") us, p99 $(calc "$plain_p99") us" "$(check "$p50" '<' 100)"
