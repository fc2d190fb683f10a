#!/usr/bin/env bash
# Figure 6, the store: write and read throughput of results of 1 KiB, 1 MiB,
# 64 MiB and 1 GiB. Write: a cold `taskfs run` minus the task's own compute time
# (as the store's run record gives it). Read: `cat` through a fresh mount. The
# reference writes a plain file of the same bytes durably (dd with fdatasync,
# then a rename: the floor of the same work) and reads it (cat, page cache,
# best of 3). For the 1 GiB result, two targets (issue 12): its write within
# 1.3x of that durable floor, and the worker's peak RSS under the result's
# size + 64 MiB (the result is serialized straight into the store).
source "$(dirname "$0")/lib.sh"
begin_figure store
sizes=(1024 $((1 << 20)) $((64 << 20)) $((1 << 30)))

run_bytes() { "$TASKFS" run "bytes/n:$1" --tasks "$BENCH_BYTES_LIB" --store store; }

# The compute time, in ms, of the newest run in the store.
newest_run_ms() {
  "$TASKFS" status --tasks "$BENCH_BYTES_LIB" --store store |
    awk '$3 == "ok" && $4 ~ /^[0-9.]+s$/ { print 1000 * substr($4, 1, length($4) - 1); exit }'
}

human() { numfmt --to=iec-i --suffix=B "$1"; }

# The durable floor of storing bytes, as the store does it: write, fdatasync,
# rename into place.
durable_copy() { dd if="$1" of=copy.tmp bs=1M conv=fdatasync status=none && mv copy.tmp copy; }

declare -A write_note write_ref store_ms floor_ms
for size in "${sizes[@]}"; do
  say "writing a $(human "$size") result"
  cold_ms=$(time_ms run_bytes "$size")
  compute_ms=$(newest_run_ms)
  store_ms[$size]=$(calc "$cold_ms - $compute_ms")
  write_note[$size]="write $(mb_per_s "$size" "${store_ms[$size]}") MB/s ($cold_ms ms - $compute_ms ms compute)"
  run_bytes "$size" >"plain-$size"
  floor_ms[$size]=$(time_ms durable_copy "plain-$size")
  write_ref[$size]="durable write $(mb_per_s "$size" "${floor_ms[$size]}")"
  rm copy
done

gib=$((1 << 30))
ratio=$(calc "${store_ms[$gib]} / ${floor_ms[$gib]}" 2)
row "6 store: 1 GiB result, serialize + store" "${store_ms[$gib]} ms, x$ratio of the floor" \
  "<= x1.3 of the durable floor" "write + fdatasync + rename: ${floor_ms[$gib]} ms" \
  "$(check "$ratio" '<=' 1.3)"
say "the worker's peak RSS while it stores a 1 GiB result (a store of its own)"
rss_mib=$(calc "$(peak_rss_kib "$TASKFS" run "bytes/n:$gib" --tasks "$BENCH_BYTES_LIB" \
  --store rss-store) / 1024" 0)
rm -rf rss-store
row "6 store: 1 GiB result, worker peak RSS" "$rss_mib MiB" "< 1024 + 64 MiB" \
  "the result itself: 1024 MiB" "$(check "$rss_mib" '<' 1088)"

mount_fg mnt "$BENCH_BYTES_LIB" store
for size in "${sizes[@]}"; do
  say "reading the $(human "$size") result through the mount"
  read_ms=$(time_ms cat "mnt/bytes/n:$size")
  cat "plain-$size" >/dev/null
  plain_ms=$(best_ms 3 cat "plain-$size")
  row "6 store: $(human "$size") result" \
    "${write_note[$size]}; read $(mb_per_s "$size" "$read_ms") MB/s ($read_ms ms)" "- (info)" \
    "plain file: ${write_ref[$size]}, read $(mb_per_s "$size" "$plain_ms") MB/s" info
done
