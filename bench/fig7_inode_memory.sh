#!/usr/bin/env bash
# Figure 7, daemon memory over many distinct lookups: stat of 1,000,000 distinct
# paths (bytes/n:1 ... bytes/n:1000000, none of them computed) through one
# mount. Each lookup makes an inode; the kernel forgets it once its dentry goes
# (entry timeout 0), and FORGET must free it, so the daemon's RSS after a
# warm-up must stay flat. Not a SPEC figure: the architecture issue's (8).
source "$(dirname "$0")/lib.sh"
begin_figure inodes
lookups=${BENCH_LOOKUPS:-1000000}
warmup=$((lookups / 10))

mount_fg mnt "$BENCH_BYTES_LIB" store
[[ $(stat -c %s mnt/bytes/n:1) == 0 ]] || { echo "bytes/n:1 should not be computed" >&2; exit 1; }

# stat FIRST..LAST, then print the daemon's RSS in KiB.
stat_range() {
  python3 - "$FIG_DIR/mnt/bytes" "$1" "$2" <<'PY'
import os, sys
directory, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(first, last + 1):
    os.stat(f"{directory}/n:{i}")
PY
  vm_kib "$DAEMON_PID" VmRSS
}

say "stat of $lookups distinct paths, RSS after $warmup"
start_kib=$(vm_kib "$DAEMON_PID" VmRSS)
warm_kib=$(stat_range 2 "$warmup")
end_kib=$(stat_range $((warmup + 1)) "$lookups")
growth_mib=$(calc "($end_kib - $warm_kib) / 1024")
row "7 daemon RSS over $lookups distinct lookups" \
  "$(calc "$start_kib / 1024") MiB at start, $(calc "$warm_kib / 1024") after $warmup, $(calc "$end_kib / 1024") at the end (+$growth_mib MiB)" \
  "flat after warm-up: < 16 MiB growth" "-" "$(check "$growth_mib" '<' 16)"
