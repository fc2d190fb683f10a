#!/usr/bin/env bash
# Figure 4, parallelism: two independent 1 s CPU-bound tasks and a result that
# needs both, with -j2, against the same graph with -j1 (the serial sum); and a
# wide DAG of eight 0.25 s tasks the same way. Each run starts from a fresh store.
# Also measured: two bare 1 s busy loops at once, outside taskfs, which is the
# best 2 cores can do under the machine's current load.
source "$(dirname "$0")/lib.sh"
begin_figure parallelism

# Wall time in ms of computing TASK cold with JOBS workers.
cold_ms() { time_ms "$TASKFS" run "$1" --tasks "$BENCH_SPIN_LIB" --store "store-$1-j$2" -j "$2"; }

two_bare_loops() {
  "$BENCH_SPIN" 1.0 &
  local first=$!
  "$BENCH_SPIN" 1.0
  wait "$first"
}

say "two bare 1 s loops at once"
bare=$(time_ms two_bare_loops)
say "pair: 2 x 1 s, -j1 then -j2"
pair_serial=$(cold_ms pair 1)
pair_parallel=$(cold_ms pair 2)
row "4 two 1 s tasks, -j2" "$pair_parallel ms" "< 1150 ms" \
  "-j1 $pair_serial ms; 2 bare loops at once $bare ms" "$(check "$pair_parallel" '<' 1150)"

say "wide: 8 x 0.25 s, -j1 then -j2"
wide_serial=$(cold_ms wide 1)
wide_parallel=$(cold_ms wide 2)
wide_limit=$(calc "1.15 * $wide_serial / 2")
row "4 eight 0.25 s tasks, -j2" "$wide_parallel ms (x$(calc "$wide_serial / $wide_parallel" 2))" \
  "< 1.15 x serial / 2 = $wide_limit ms" "-j1 $wide_serial ms" \
  "$(check "$wide_parallel" '<' "$wide_limit")"
