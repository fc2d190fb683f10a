#!/usr/bin/env bash
# Figure 10, scale: graphs of 1,000, 10,000 and 100,000 trivial tasks, a
# fan-in (t0..t(N-2) summed by t(N-1)) and a chain (t0 -> ... -> t(N-1)),
# bench/tasks/scale_tasks.cpp. For each: the cold read through the mount per
# task, the no-op re-check through the mount (cat) and through `taskfs run`
# (with the daemon mounted, and alone), and the daemon's RSS after the cold
# read. Targets (SPEC 5) at 100,000 tasks; smaller graphs are shown for the trend.
source "$(dirname "$0")/lib.sh"
begin_figure scale
read -r -a sizes <<<"${BENCH_SCALE_SIZES:-1000 10000 100000}"

# The expected value of the last task: the fan-in sums 0..N-2; the chain is N-1.
expected() { if [[ $1 == fanin ]]; then echo $((($2 - 1) * ($2 - 2) / 2)); else echo $(($2 - 1)); fi; }

for size in "${sizes[@]}"; do
  runs=$((size >= 100000 ? 5 : 10))
  for shape in fanin chain; do
    say "$shape of $size tasks"
    lib_var=BENCH_SCALE_${shape}_${size}
    dir=$FIG_DIR/$shape-$size
    mkdir -p "$dir"
    cd "$dir"
    printf 'tasks = %s\nstore = store\nmountpoint = mnt\njobs = 2\n' "${!lib_var}" >taskfs.ini
    last=mnt/t$((size - 1))/default
    mount_fg mnt "${!lib_var}" store 2
    cold_ms=$(time_ms cat "$last")
    [[ $(cat "$last") == $(expected "$shape" "$size") ]] || {
      echo "the $shape of $size computed another value" >&2
      exit 1
    }
    rss_kib=$(settled_rss_kib "$DAEMON_PID")
    mount_noop=$(median_ms "$runs" cat "$dir/$last")
    run_daemon=$(median_ms "$runs" "$TASKFS" run "t$((size - 1))")
    unmount_fg "$dir/mnt" "$DAEMON_PID"
    run_alone=$(median_ms "$runs" "$TASKFS" run "t$((size - 1))")
    cd "$FIG_DIR"

    per_task=$(calc "$cold_ms / $size" 3)
    rss_mib=$(calc "$rss_kib / 1024")
    rss_limit_mib=$(calc "($size / 1024) + 32")
    if ((size < 100000)); then
      measured="cold $per_task ms/task; no-op: mount $mount_noop ms, run with the daemon"
      measured+=" $run_daemon ms, run alone $run_alone ms; daemon RSS $rss_mib MiB"
      row "10 $shape of $size tasks" "$measured" "- (targets at 100000)" "-" info
      continue
    fi
    row "10 $shape of $size tasks, cold through the mount, per task" "$per_task ms" \
      "< 0.1 ms" "total $cold_ms ms" "$(check "$per_task" '<' 0.1)"
    row "10 $shape of $size tasks, no-op cat through the mount (median of $runs)" \
      "$mount_noop ms" "< 50 ms" "-" "$(check "$mount_noop" '<' 50)"
    row "10 $shape of $size tasks, no-op taskfs run with the daemon (median of $runs)" \
      "$run_daemon ms" "< 100 ms" "alone: $run_alone ms" "$(check "$run_daemon" '<' 100)"
    row "10 $shape of $size tasks, no-op taskfs run alone (median of $runs)" \
      "$run_alone ms" "< 100 ms" "with the daemon: $run_daemon ms" "$(check "$run_alone" '<' 100)"
    row "10 $shape of $size tasks, daemon RSS after the cold read" "$rss_mib MiB" \
      "< 1 KiB a task + 32 MiB = $rss_limit_mib MiB" "-" "$(check "$rss_mib" '<' "$rss_limit_mib")"
  done
done
