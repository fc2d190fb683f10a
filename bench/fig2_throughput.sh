#!/usr/bin/env bash
# Figure 2, throughput and daemon memory: a cached 1 GiB result read through the
# mount, the first time after a fresh mount and again, against `cat` of a 1 GiB
# plain file in the page cache (and, for the read whose store blob was evicted,
# against `cat` of the plain file evicted the same way); the daemon's RSS growth
# while it streams.
# Page-cache reads (the plain file, the result again) take the best of 3.
source "$(dirname "$0")/lib.sh"
begin_figure throughput
size=$((1 << 30))
path=bytes/n:$size

say "computing the 1 GiB result"
"$TASKFS" run "$path" --tasks "$BENCH_BYTES_LIB" --store store >plain.bin
blob=$(find store -type f -size +$((size / 1024 - 1))k | head -1)

say "plain cat, page cache"
cat plain.bin >/dev/null
plain_ms=$(best_ms 3 cat plain.bin)
plain=$(mb_per_s "$size" "$plain_ms")
reference="plain cat $plain MB/s (best of 3)"

# Mounts afresh and reads the result once, with the store's blob first evicted
# from the page cache or read into it ($1: evicted or cached). Sets first (MB/s),
# cache_note and rss_growth_mib (the daemon's peak RSS during the read minus its
# RSS before it). The mount stays up.
first_read_after_mount() {
  mount_fg mnt "$BENCH_BYTES_LIB" store
  if [[ $1 == evicted ]]; then evict "$blob"; else cat "$blob" >/dev/null; fi
  cache_note="store blob $(cached_percent "$blob")% in page cache"
  echo 5 >"/proc/$DAEMON_PID/clear_refs" || say "cannot reset VmHWM: the growth includes the startup peak"
  local rss_before
  rss_before=$(vm_kib "$DAEMON_PID" VmRSS)
  first=$(mb_per_s "$size" "$(time_ms cat "mnt/$path")")
  rss_growth_mib=$(calc "($(vm_kib "$DAEMON_PID" VmHWM) - $rss_before) / 1024")
}

say "through the mount, store blob evicted"
first_read_after_mount evicted
again=$(mb_per_s "$size" "$(best_ms 3 cat "mnt/$path")")
unmount_fg "$FIG_DIR/mnt" "$DAEMON_PID"
# The physical limit of the same work: the plain file evicted the same way, read once.
evict plain.bin
evicted_plain=$(mb_per_s "$size" "$(time_ms cat plain.bin)")
row "2 read 1 GiB, first after eviction ($cache_note)" \
  "$first MB/s (x$(calc "$first / $evicted_plain" 2))" ">= 0.8x evicted plain" \
  "plain cat of the evicted file $evicted_plain MB/s" "$(check "$first" '>=' "0.8 * $evicted_plain")"
row "2 read 1 GiB, again (best of 3)" "$again MB/s (x$(calc "$again / $plain" 2))" ">= 0.9x plain" \
  "$reference" "$(check "$again" '>=' "0.9 * $plain")"
row "2 daemon peak RSS growth streaming 1 GiB" "$rss_growth_mib MiB" "< 64 MiB" "-" \
  "$(check "$rss_growth_mib" '<' 64)"

say "through the mount, store blob in the page cache"
first_read_after_mount cached
unmount_fg "$FIG_DIR/mnt" "$DAEMON_PID"
row "2 read 1 GiB, first after mount ($cache_note)" "$first MB/s (x$(calc "$first / $plain" 2))" \
  ">= 0.5x plain" "$reference" "$(check "$first" '>=' "0.5 * $plain")"
