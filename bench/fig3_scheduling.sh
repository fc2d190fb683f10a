#!/usr/bin/env bash
# Figure 3, scheduling overhead: 1000 trivial tasks fanning in to one sum, cold
# and as a no-op re-check, through `taskfs run` and through the mount, against
# GNU make -j2 running the same graph of trivial shell commands
# (bench/tasks/fanin_tasks.cpp and the Makefile bench/CMakeLists.txt writes).
source "$(dirname "$0")/lib.sh"
begin_figure scheduling
runs=${BENCH_NOOP_RUNS:-20}
expected=499500  # 0 + 1 + ... + 999

say "make -j2"
mkdir make
cp "$BENCH_FANIN_MAKEFILE" make/Makefile
make_cold=$(time_ms make -s -j2 -C make)
make_noop=$(median_ms "$runs" make -s -j2 -C make)
[[ $(awk '{ s += $1 } END { print s }' make/sum) == "$expected" ]] || {
  echo "make computed another sum" >&2
  exit 1
}

say "taskfs run -j2"
run_sum=("$TASKFS" run sum --tasks "$BENCH_FANIN_LIB" --store run-store -j 2)
run_cold=$(time_ms "${run_sum[@]}")
[[ $("${run_sum[@]}") == "$expected" ]] || { echo "taskfs run computed another sum" >&2; exit 1; }
run_noop=$(median_ms "$runs" "${run_sum[@]}")

say "through the mount, -j2"
mount_fg mnt "$BENCH_FANIN_LIB" mount-store 2
mount_cold=$(time_ms cat mnt/sum/default)
[[ $(cat mnt/sum/default) == "$expected" ]] || { echo "the mount shows another sum" >&2; exit 1; }
mount_noop=$(median_ms "$runs" cat "$FIG_DIR/mnt/sum/default")
# The same `taskfs run`, in a project whose daemon is the one mounted: it reads
# through the mount.
printf 'tasks = %s\nstore = mount-store\nmountpoint = mnt\n' "$BENCH_FANIN_LIB" >taskfs.ini
run_daemon_noop=$(median_ms "$runs" "$TASKFS" run sum)

cold_target="< make (aim: half)"
row "3 1000 trivial tasks to one, cold, taskfs run" "$run_cold ms" "$cold_target" \
  "make -j2 $make_cold ms" "$(check "$run_cold" '<' "$make_cold")"
row "3 1000 trivial tasks to one, cold, mount" "$mount_cold ms" "$cold_target" \
  "make -j2 $make_cold ms" "$(check "$mount_cold" '<' "$make_cold")"
row "3 no-op re-check, taskfs run alone (median of $runs)" "$run_noop ms" "< 5 ms" \
  "make -j2 $make_noop ms" "$(check "$run_noop" '<' 5)"
row "3 no-op re-check, taskfs run with the daemon (median of $runs)" "$run_daemon_noop ms" \
  "< 5 ms" "make -j2 $make_noop ms" "$(check "$run_daemon_noop" '<' 5)"
row "3 no-op re-check, cat through the mount (median of $runs)" "$mount_noop ms" "< 10 ms" \
  "make -j2 $make_noop ms" "$(check "$mount_noop" '<' 10)"
