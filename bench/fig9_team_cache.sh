#!/usr/bin/env bash
# Figure 9, the team cache (SPEC section 8) against a local PostgreSQL server
# (tests/remote/pg_cluster.sh: a private cluster on a Unix socket, fsync off):
# - a remote hit of a 1 GiB result: one machine (`taskfs run`, store A)
#   computes and uploads it; another (a mount on store B) reads it cold, which
#   streams it into store B and serves it from there;
# - what a remote miss adds to a cold read: cold reads of small results with a
#   remote that lacks them, against the same reads with no remote;
# - uploads never delay a read: cold 256 MiB reads that upload afterwards (while
#   the 200 small results above may still upload), against the same reads with
#   no remote.
source "$(dirname "$0")/lib.sh"
begin_figure team_cache
root_dir=$(cd "$(dirname "$0")/.." && pwd)
gib=$((1 << 30))

"$root_dir/tests/remote/pg_cluster.sh" start "$FIG_DIR/pg.state"
trap '"$root_dir/tests/remote/pg_cluster.sh" stop "$FIG_DIR/pg.state"; end_figure' EXIT
remote=$(cat "$FIG_DIR/pg.state")

# The server here shares this machine's disk, which a real team cache does
# not: before each measured phase it writes out what it holds (a checkpoint,
# then the kernel's dirty pages: the cluster runs with fsync off), so no phase
# pays for the disk work of an earlier one.
settle() {
  psql -q "$remote" -c CHECKPOINT >/dev/null
  sync
}

# A project directory whose taskfs.ini names (or does not name) the remote.
project() {
  mkdir -p "$FIG_DIR/$1"
  printf 'tasks = %s\nstore = store\n%s\n' "$BENCH_BYTES_LIB" "${2:+remote = $2}" >"$FIG_DIR/$1/taskfs.ini"
}
project machine_a "$remote"
project machine_b "$remote"
project local_only ""

say "machine A computes and uploads a 1 GiB result"
(cd "$FIG_DIR/machine_a" && "$TASKFS" run "bytes/n:$gib" >/dev/null)

say "machine B reads it cold through its mount: a remote hit"
cd "$FIG_DIR/machine_b"
mount_fg mnt "$BENCH_BYTES_LIB" store
settle
hit_ms=$(time_ms cat "mnt/bytes/n:$gib")
hit=$(mb_per_s "$gib" "$hit_ms")
again_ms=$(best_ms 3 cat "mnt/bytes/n:$gib")
runs_on_b=$("$TASKFS" status 2>/dev/null | grep -c 'ok .*bytes/' || true)
row "9 team cache: remote hit of 1 GiB, cold read on another machine" \
  "$hit MB/s ($hit_ms ms; the task ran there $runs_on_b times)" ">= 200 MB/s" \
  "the same result from the local store afterwards: $(mb_per_s "$gib" "$again_ms") MB/s" \
  "$(check "$hit" '>=' 200)"

# Mean ms of a cold `cat` of each of COUNT small results, starting at FIRST.
cold_reads_ms() {
  local first=$1 count=$2 start end n
  start=$(now_us)
  for ((n = first; n < first + count; n++)); do cat "mnt/bytes/n:$n" >/dev/null; done
  end=$(now_us)
  calc "($end - $start) / 1000 / $count" 3
}
# The median ms of cold reads of three distinct 256 MiB results (each computed,
# stored, then uploaded when there is a remote, while the next one is read).
cold_256_ms() {
  local n times=()
  for n in 0 1 2; do times+=("$(time_ms cat "mnt/bytes/n:$(((256 << 20) + n))")"); done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}
say "cold reads of small results that the remote lacks"
settle
miss_ms=$(cold_reads_ms 5000 200)
cold_256_remote=$(cold_256_ms)
unmount_fg mnt "$DAEMON_PID"

cd "$FIG_DIR/local_only"
mount_fg mnt "$BENCH_BYTES_LIB" store
say "the same reads with no remote"
settle
local_ms=$(cold_reads_ms 5000 200)
cold_256_local=$(cold_256_ms)
unmount_fg mnt "$DAEMON_PID"

added=$(calc "$miss_ms - $local_ms" 3)
row "9 team cache: a remote miss, added to a cold read" "$added ms ($miss_ms vs $local_ms ms a read)" \
  "< 2 ms" "cold reads with no remote: $local_ms ms" "$(check "$added" '<' 2)"
row "9 team cache: a cold 256 MiB read that uploads after it (median of 3)" "$cold_256_remote ms" \
  "no slower than without a remote (+10%)" "no remote: $cold_256_local ms" \
  "$(check "$cold_256_remote" '<=' "$(calc "$cold_256_local * 1.1 + 2" 1)")"
