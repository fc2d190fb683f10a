#!/usr/bin/env bash
# Figure 5, input re-checking: a task over a glob of 10,000 small unchanged files,
# re-checked as a no-op (`taskfs run` again, and `cat` through the mount), against
# GNU make (-r: no implicit rules) checking a target that depends on the same
# files; and the hashing throughput of one 1 GiB input file on first use, against
# `cat` of it.
source "$(dirname "$0")/lib.sh"
begin_figure inputs
runs=${BENCH_NOOP_RUNS:-20}
files=10000

say "writing $files input files"
mkdir inputs
for ((i = 0; i < files; i++)); do echo "$i" >"inputs/f$i.txt"; done
# shellcheck disable=SC2016  # make's variables, not the shell's
printf 'out: $(wildcard inputs/*.txt)\n\tls inputs | wc -l > $@\n' >Makefile
make -r -s
make_noop=$(median_ms "$runs" make -r -s)

say "taskfs run, cold then no-op"
run_files=("$TASKFS" run many_files --tasks "$BENCH_INPUTS_LIB" --store store)
[[ $("${run_files[@]}") == "$files" ]] || { echo "many_files saw another count" >&2; exit 1; }
run_noop=$(median_ms "$runs" "${run_files[@]}")
row "5 re-check $files unchanged files, taskfs run alone (median)" "$run_noop ms" "< 20 ms" \
  "make $make_noop ms" "$(check "$run_noop" '<' 20)"

say "through the mount, no-op"
mount_fg mnt "$BENCH_INPUTS_LIB" store
cat mnt/many_files/default >/dev/null
mount_noop=$(median_ms "$runs" cat "$FIG_DIR/mnt/many_files/default")
printf 'tasks = %s\nstore = store\nmountpoint = mnt\n' "$BENCH_INPUTS_LIB" >taskfs.ini
run_daemon_noop=$(median_ms "$runs" "$TASKFS" run many_files)
rm taskfs.ini
unmount_fg "$FIG_DIR/mnt" "$DAEMON_PID"
row "5 re-check $files unchanged files, cat through the mount (median)" "$mount_noop ms" \
  "< 20 ms" "make $make_noop ms" "$(check "$mount_noop" '<' 20)"
row "5 re-check $files unchanged files, taskfs run with the daemon (median)" \
  "$run_daemon_noop ms" "< 20 ms" "make $make_noop ms" "$(check "$run_daemon_noop" '<' 20)"

say "hashing a 1 GiB input file"
size=$((1 << 30))
head -c "$size" /dev/zero >big.bin
cat big.bin >/dev/null
cat_ms=$(best_ms 3 cat big.bin)
trivial_ms=$(time_ms "$TASKFS" run trivial --tasks "$BENCH_INPUTS_LIB" --store store-trivial)
big_ms=$(time_ms "$TASKFS" run big_file --tasks "$BENCH_INPUTS_LIB" --store store-big)
hash_ms=$(calc "$big_ms - $trivial_ms")
row "5 hash a 1 GiB input on first use (page cache)" \
  "$(mb_per_s "$size" "$hash_ms") MB/s ($big_ms ms - $trivial_ms ms for a trivial task)" \
  "- (info)" "plain cat $(mb_per_s "$size" "$cat_ms") MB/s (best of 3)" "info"
