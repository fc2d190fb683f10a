#!/usr/bin/env bash
# Figure 11, knowing what happened and keeping the store in bounds (SPEC 7):
# `taskfs why` on the demo project (through its daemon, and without one); what
# counting reads costs a small cached `cat` (the same mount with and without
# read tracking, interleaved); and `taskfs gc` of a store of 100,000 results
# down to half its size.
source "$(dirname "$0")/lib.sh"
begin_figure keeping
runs=${BENCH_WHY_RUNS:-20}
hit_runs=${BENCH_HIT_RUNS:-300}
results=${BENCH_GC_RESULTS:-100000}

say "the demo, cold, then taskfs why after a param change"
mount_fg mnt "$BENCH_DEMO_LIB" demo-store
cat mnt/results/default >/dev/null
why=("$TASKFS" why results/train=maxiter:5 --tasks "$BENCH_DEMO_LIB" --store demo-store)
"${why[@]}" | grep -q "param train.maxiter is 5" || { echo "why said something else" >&2; exit 1; }
why_daemon=$(median_ms "$runs" "${why[@]}")
unmount_fg mnt "$DAEMON_PID"
why_alone=$(median_ms "$runs" "${why[@]}")
row "11 taskfs why on the demo, daemon mounted (median)" "$why_daemon ms" "< 50 ms" \
  "no daemon: $why_alone ms" "$(check "$why_daemon" '<' 50)"

say "cat of a 1 KiB cached result, reads counted and not, $hit_runs runs each, interleaved"
"$TASKFS" run bytes --tasks "$BENCH_BYTES_LIB" --store store-counted >/dev/null
"$TASKFS" run bytes --tasks "$BENCH_BYTES_LIB" --store store-uncounted >/dev/null
mount_fg counted "$BENCH_BYTES_LIB" store-counted
TASKFS_READ_TRACKING=off mount_fg uncounted "$BENCH_BYTES_LIB" store-uncounted
times=$(spawn_runs "$hit_runs" cat "$FIG_DIR/counted/bytes/default" -- \
  cat "$FIG_DIR/uncounted/bytes/default")
{ read -r counted_us _; read -r uncounted_us _; } <<<"$times"
extra=$(awk "BEGIN { printf \"%+.1f\", ($counted_us / $uncounted_us - 1) * 100 }")
row "11 reads counted: cat of a 1 KiB cached result (median)" \
  "$(calc "$counted_us") us ($extra%)" "< +5%" "not counted $(calc "$uncounted_us") us" \
  "$(check "$extra" '<' 5)"

say "filling a store with $results results of 1 KiB"
"$BENCH_FILL_STORE" gc-store "$results" 1024
half=$((results * 1024 / 2))
gc_ms=$(time_ms "$TASKFS" gc --max-size "$half" --store gc-store)
left=$("$TASKFS" du --bytes --store gc-store | tail -1 | awk '{ print $1 }')
((left <= half)) || { echo "gc left $left bytes, more than $half" >&2; exit 1; }
row "11 gc of $results results to half the store" "$(calc "$gc_ms / 1000" 2) s" "< 10 s" \
  "-" "$(check "$gc_ms" '<' 10000)"
