#!/usr/bin/env bash
# Figure 7, daemon memory over many distinct lookups: stat of 1,000,000 distinct
# paths (bytes/n:1 ... bytes/n:1000000, none of them computed) through one
# mount. Each lookup makes an inode, which the daemon keeps as long as the
# kernel does. The kernel keeps an unused inode cached until memory is short,
# then sends FORGET; the figure stands in for that pressure by dropping the
# kernel's dentry and inode caches (drop_caches=2, root only) after every
# tenth of the lookups. With FORGET handled, the daemon's RSS after the first
# tenth must stay flat. Not a SPEC figure: the architecture issue's (8).
source "$(dirname "$0")/lib.sh"
begin_figure inodes
lookups=${BENCH_LOOKUPS:-1000000}
chunk=$((lookups / 10))
if [[ ! -w /proc/sys/vm/drop_caches ]]; then
  row "7 daemon RSS over $lookups distinct lookups" "not measured (needs root)" \
    "flat after warm-up: < 16 MiB growth" "-" MISS
  exit 0
fi

mount_fg mnt "$BENCH_BYTES_LIB" store
[[ $(stat -c %s mnt/bytes/n:1) == 0 ]] || { echo "bytes/n:1 should not be computed" >&2; exit 1; }

# stat FIRST..LAST, let the kernel forget, then print the daemon's RSS in KiB.
stat_range() {
  python3 - "$FIG_DIR/mnt/bytes" "$1" "$2" <<'PY'
import os, sys
directory, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(first, last + 1):
    os.stat(f"{directory}/n:{i}")
PY
  echo 2 >/proc/sys/vm/drop_caches
  vm_kib "$DAEMON_PID" VmRSS
}

say "stat of $lookups distinct paths, the kernel's inodes dropped every $chunk"
start_kib=$(vm_kib "$DAEMON_PID" VmRSS)
warm_kib=$(stat_range 2 "$chunk")
for ((first = chunk + 1; first <= lookups; first += chunk)); do
  end_kib=$(stat_range "$first" $((first + chunk - 1)))
done
growth_mib=$(calc "($end_kib - $warm_kib) / 1024")
row "7 daemon RSS over $lookups distinct lookups (kernel inodes dropped every $chunk)" \
  "$(calc "$start_kib / 1024") MiB at start, $(calc "$warm_kib / 1024") after $chunk, $(calc "$end_kib / 1024") at the end (+$growth_mib MiB)" \
  "flat after warm-up: < 16 MiB growth" "-" "$(check "$growth_mib" '<' 16)"
