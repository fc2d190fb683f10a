#!/usr/bin/env bash
# Figure 8, the fixed cost of `taskfs run`: a chain of four trivial steps
# (bench/tasks/chain_tasks.cpp), as a no-op and after one param change, against
# GNU make -j2 on the same chain (the Makefile bench/CMakeLists.txt writes),
# measured interleaved in the same run. `taskfs run` twice: with the project's
# daemon mounted (it reads through the mount) and without one (in-process, the
# catalog from the store, no worker for a no-op).
source "$(dirname "$0")/lib.sh"
begin_figure fixed_cost
runs=${BENCH_NOOP_RUNS:-20}

mkdir make
cp "$BENCH_CHAIN_MAKEFILE" make/Makefile
echo 1 >make/n
make -s -j2 -C make
[[ $(cat make/step4) == 4 ]] || { echo "make computed another chain" >&2; exit 1; }

# The project: taskfs.ini names the daemon's store and mount point, which
# `taskfs run` without flags finds; --store solo makes it work alone.
printf 'tasks = %s\nstore = store\nmountpoint = mnt\njobs = 2\n' "$BENCH_CHAIN_LIB" >taskfs.ini
solo=("$TASKFS" run --store solo)
mount_fg mnt "$BENCH_CHAIN_LIB" store 2
[[ $("$TASKFS" run step4) == 4 && $("${solo[@]}" step4) == 4 ]] || {
  echo "taskfs computed another chain" >&2
  exit 1
}

say "no-op: make, taskfs run through the daemon, taskfs run alone ($runs runs each)"
read -r -a noop < <(spawn_runs "$runs" make -s -j2 -C make -- "$TASKFS" run step4 -- \
  "${solo[@]}" step4 | awk '{ printf "%.2f ", $1 / 1000 } END { print "" }')

# One param change a run, each to a value never used before; the edit of
# make's param file is not timed. Times in ms, one line a run: make, daemon, alone.
say "one param change: the same three"
changes=$FIG_DIR/changes.txt
for ((i = 2; i <= runs + 1; i++)); do
  echo "$i" >make/n
  t0=$EPOCHREALTIME
  make -s -j2 -C make >/dev/null
  t1=$EPOCHREALTIME
  "$TASKFS" run "step4/step1=n:$i" >/dev/null
  t2=$EPOCHREALTIME
  "${solo[@]}" "step4/step1=n:$i" >/dev/null
  t3=$EPOCHREALTIME
  echo "$t0 $t1 $t2 $t3" | awk '{ printf "%.3f %.3f %.3f\n", ($2-$1)*1e3, ($3-$2)*1e3, ($4-$3)*1e3 }'
done >"$changes"
[[ $(cat make/step4) == $((runs + 4)) ]] || { echo "make computed another chain" >&2; exit 1; }
median_column() {
  cut -d' ' -f"$1" "$changes" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'
}
change=("$(median_column 1)" "$(median_column 2)" "$(median_column 3)")

target="<= make -j2"
row "8 4-step chain no-op, taskfs run with the daemon (median of $runs)" "${noop[1]} ms" \
  "$target" "make -j2 ${noop[0]} ms" "$(check "${noop[1]}" '<=' "${noop[0]}")"
row "8 4-step chain no-op, taskfs run alone (median of $runs)" "${noop[2]} ms" \
  "$target" "make -j2 ${noop[0]} ms" "$(check "${noop[2]}" '<=' "${noop[0]}")"
row "8 4-step chain, one param change, taskfs run with the daemon (median of $runs)" \
  "${change[1]} ms" "$target" "make -j2 ${change[0]} ms" \
  "$(check "${change[1]}" '<=' "${change[0]}")"
row "8 4-step chain, one param change, taskfs run alone (median of $runs)" "${change[2]} ms" \
  "$target" "make -j2 ${change[0]} ms" "$(check "${change[2]}" '<=' "${change[0]}")"
