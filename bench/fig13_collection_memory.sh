#!/usr/bin/env bash
# Figure 13, memory of a large collection (SPEC sections 5 and 6): a tf::List
# of 2048 elements of 1 MiB (2 GiB) is produced and stored (`taskfs run`: its
# worker), consumed by a task that walks it (the consumer's worker), and
# served through the mount (cat of every element: the daemon). Each process's
# peak RSS is compared with the same process doing the same for a 1-element
# list; target: growth under 128 MiB each.
source "$(dirname "$0")/lib.sh"
begin_figure collection_memory
count=${BENCH_BIG_COLLECTION_COUNT:-2048}

run=("$TASKFS" run --tasks "$BENCH_BIG_COLLECTION_LIB")
mib() { calc "$1 / 1024" 0; }
verdict() { check "$1" '<' 128; }

say "producing a 1-element list, then a $count-element list of 1 MiB each"
small_produce=$(peak_rss_kib "${run[@]}" big_list/count:1 --store small)
big_produce=$(peak_rss_kib "${run[@]}" "big_list/count:$count" --store big)
grow=$(mib $((big_produce - small_produce)))
row "13 collections: produce and store $count x 1 MiB, worker RSS growth" "$grow MiB" \
  "< 128 MiB" "peak $(mib "$big_produce") MiB; for 1 element: $(mib "$small_produce") MiB" \
  "$(verdict "$grow")"

say "consuming them (the lists are cached)"
small_consume=$(peak_rss_kib "${run[@]}" big_list_bytes/big_list=count:1 --store small)
big_consume=$(peak_rss_kib "${run[@]}" "big_list_bytes/big_list=count:$count" --store big)
[[ $("${run[@]}" "big_list_bytes/big_list=count:$count" --store big) == $((count << 20)) ]] || {
  echo "the consumer counted other bytes" >&2
  exit 1
}
grow=$(mib $((big_consume - small_consume)))
row "13 collections: consume $count x 1 MiB through the lazy view, worker RSS growth" \
  "$grow MiB" "< 128 MiB" \
  "peak $(mib "$big_consume") MiB; for 1 element: $(mib "$small_consume") MiB" \
  "$(verdict "$grow")"

say "serving every element through the mount"
mount_fg mnt "$BENCH_BIG_COLLECTION_LIB" big
dir="mnt/big_list/count:$count"
before=$(vm_kib "$DAEMON_PID" VmRSS)
served=$(cat "$dir"/* | wc -c)
[[ $served == $((count << 20)) ]] || { echo "the mount served $served bytes" >&2; exit 1; }
peak=$(vm_kib "$DAEMON_PID" VmHWM)
unmount_fg mnt "$DAEMON_PID"
grow=$(mib $((peak - before)))
row "13 collections: serve $count x 1 MiB (cat of every element), daemon RSS growth" \
  "$grow MiB" "< 128 MiB" "peak $(mib "$peak") MiB; before the reads: $(mib "$before") MiB" \
  "$(verdict "$grow")"
