#!/usr/bin/env bash
# bench/run.sh [BUILD_DIR]  (default: build/ at the repository root)
#
# Measures every figure of SPEC section 5: builds the benchmark targets, runs one
# script per figure, and prints for each figure the measured value, the target,
# a reference measured in the same run, and PASS or MISS. The table also goes to
# bench/results.md. Mounts and scratch files are removed on exit, even on Ctrl-C.
# BENCH_FIGURES="fig1_hit_latency fig3_scheduling" runs only those figures (and
# leaves bench/results.md alone).
set -euo pipefail
export LC_ALL=C
bench_dir=$(cd "$(dirname "$0")" && pwd)
root_dir=$(dirname "$bench_dir")
build_dir=$(realpath -m "${1:-$root_dir/build}")
read -r -a figures <<<"${BENCH_FIGURES:-fig1_hit_latency fig2_throughput fig3_scheduling \
  fig4_parallelism fig5_input_check fig6_store fig7_inode_memory fig8_run_fixed_cost \
  fig9_team_cache fig10_scale fig11_store_keeping fig12_collections fig13_collection_memory \
  fig14_each_glob}"

# --- build -------------------------------------------------------------------
if [[ ! -f $build_dir/bench/bench_paths.sh ]]; then
  mkdir -p "$build_dir"
  flock /tmp/taskfs-build.lock cmake -S "$root_dir" -B "$build_dir" >/dev/null
fi
echo "building the benchmark targets in $build_dir" >&2
flock /tmp/taskfs-build.lock cmake --build "$build_dir" --target taskfs_bench -j2 >/dev/null
set -a
source "$build_dir/bench/bench_paths.sh"
set +a

# --- run -----------------------------------------------------------------------
BENCH_TMP=$(mktemp -d /tmp/taskfs-bench.XXXXXX)
BENCH_ROWS=$BENCH_TMP/rows.tsv
export BENCH_TMP BENCH_ROWS
log=$build_dir/bench/run.log
source "$bench_dir/lib.sh"
figure_pid=""
cleanup() {
  if [[ -n $figure_pid ]] && is_alive "$figure_pid"; then
    kill -TERM "$figure_pid"
    wait "$figure_pid" 2>/dev/null || true
  fi
  unmount_all "$BENCH_TMP"
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs one figure's script in the background (so that an interrupt reaches the
# trap above at once), its stderr also to the log.
run_figure() {
  bash "$bench_dir/$1.sh" 2> >(tee -a "$log" >&2) &
  figure_pid=$!
  wait "$figure_pid"
}

started=$(now_us)
: >"$log"
for figure in "${figures[@]}"; do
  echo "== $figure" >&2
  if ! run_figure "$figure"; then
    row "$figure" "ERROR (see $log)" "-" "-" MISS
  fi
done
seconds=$(calc "($(now_us) - $started) / 1e6" 0)

# --- report --------------------------------------------------------------------
load=$(cut -d' ' -f1-3 /proc/loadavg)
table=$(
  printf '| figure | measured | target | reference | verdict |\n|---|---|---|---|---|\n'
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$BENCH_ROWS"
)
results=$bench_dir/results.md
[[ -n ${BENCH_FIGURES:-} ]] && results=/dev/null
{
  echo "# taskfs benchmarks (SPEC section 5)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average at the end: $load," \
    "suite time ${seconds} s, commit $(git -C "$root_dir" rev-parse --short HEAD 2>/dev/null)."
  echo
  echo "$table"
} >"$results"
echo
echo "$table" | column -t -s '|' -o '|'
echo
echo "suite time ${seconds} s; load average $load; table written to $results"
