# shellcheck shell=bash
# Shared shell functions of the benchmark figures (sourced): timing, arithmetic,
# foreground mounts and the result rows that run.sh prints as a table.
#
# Expects from run.sh: BENCH_TMP (a scratch directory), BENCH_ROWS (the rows
# file) and the program paths of bench_paths.sh (TASKFS, BENCH_*).
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C

# --- timing and arithmetic ---------------------------------------------------

# Microseconds since the epoch, without starting a process.
now_us() { echo "${EPOCHREALTIME/./}"; }

# Runs a command once with stdout to /dev/null; prints its wall time in ms.
# Fails when the command fails.
time_ms() {
  local start end
  start=$(now_us)
  "$@" >/dev/null || { echo "failed: $*" >&2; return 1; }
  end=$(now_us)
  calc "($end - $start) / 1000"
}

# The fastest of RUNS runs of a command, in ms (for page-cache reads, where
# only machine load makes a run slower).
best_ms() {
  local runs=$1 best="" ms i
  shift
  for ((i = 0; i < runs; i++)); do
    ms=$(time_ms "$@")
    if [[ -z $best ]] || awk "BEGIN { exit !($ms < $best) }"; then best=$ms; fi
  done
  echo "$best"
}

# Evaluates a floating-point expression; prints it with `digits` decimals (1).
calc() { awk -v digits="${2:-1}" "BEGIN { printf \"%.*f\", digits, $1 }"; }

# PASS when `value op limit` holds (op: < <= > >=), else MISS.
check() { awk "BEGIN { exit !($1 $2 $3) }" && echo PASS || echo MISS; }

# MB/s (10^6 bytes) of `bytes` in `ms`; small rates keep two decimals.
mb_per_s() {
  awk "BEGIN { r = $1 / ($2 / 1000) / 1e6; printf (r < 10 ? \"%.2f\" : \"%.0f\"), r }"
}

# Times commands whole-process, interleaved: spawn_runs RUNS CMD... [-- CMD...]...
# Prints "median p90 p99 min" in microseconds, one line per command.
spawn_runs() { "$BENCH_SPAWN_TIMER" "$@"; }

# The median, in ms, of RUNS whole-process runs of one command.
median_ms() {
  local times median
  times=$(spawn_runs "$@")
  read -r median _ <<<"$times"
  calc "$median / 1000" 2
}

# --- figures and rows --------------------------------------------------------

# Starts a figure: a fresh work directory (FIG_DIR, the current directory from
# now on, hence the project root of every taskfs command) that is removed, with
# its mounts, when the figure's script exits.
begin_figure() {
  FIG_DIR=$(mktemp -d "$BENCH_TMP/$1.XXXXXX")
  cd "$FIG_DIR"
  trap 'end_figure' EXIT
  trap 'exit 143' TERM INT
}

end_figure() {
  cd /
  unmount_all "$FIG_DIR"
  rm -rf "$FIG_DIR"
}

# Appends a result row: row FIGURE MEASURED TARGET REFERENCE VERDICT.
row() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_ROWS"
  printf '  %s: %s (target %s; reference %s) %s\n' "$@" >&2
}

# Progress on stderr.
say() { echo "  .. $*" >&2; }

# --- mounts --------------------------------------------------------------------

is_mounted() { awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' /proc/self/mounts; }

# Whether a process exists and is not a zombie.
is_alive() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# Mounts LIB with STORE on MNT with JOBS workers (default 2), as a foreground
# daemon of this shell, and waits (bounded) until the mount is visible. Sets
# DAEMON_PID. The mount is recorded in $FIG_DIR/mounts for clean-up.
mount_fg() {
  local mnt
  mnt=$(realpath -m "$1")
  mkdir -p "$mnt"
  "$TASKFS" mount "$mnt" --tasks "$2" --store "$3" -j "${4:-2}" --foreground \
    2>>"$FIG_DIR/daemon.log" &
  DAEMON_PID=$!
  echo "$mnt $DAEMON_PID" >>"$FIG_DIR/mounts"
  for _ in $(seq 1000); do
    is_mounted "$mnt" && return 0
    if ! is_alive "$DAEMON_PID"; then
      echo "the daemon for $mnt exited; its log:" >&2
      tail -5 "$FIG_DIR/daemon.log" >&2
      return 1
    fi
    sleep 0.01
  done
  echo "$mnt was not mounted within 10 s" >&2
  return 1
}

# Unmounts MNT and waits (bounded) for its daemon PID to exit; kills it after 10 s.
unmount_fg() {
  local mnt pid=$2
  mnt=$(realpath -m "$1")
  if is_mounted "$mnt"; then
    "$TASKFS" unmount "$mnt" 2>/dev/null || fusermount3 -uz "$mnt" 2>/dev/null || true
  fi
  for _ in $(seq 1000); do
    is_alive "$pid" || break
    sleep 0.01
  done
  is_alive "$pid" && kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# Unmounts every mount recorded under DIR (a figure's or the whole run's).
unmount_all() {
  local file mnt pid
  for file in "$1"/mounts "$1"/*/mounts; do
    [[ -f $file ]] || continue
    while read -r mnt pid; do
      unmount_fg "$mnt" "$pid"
    done <"$file"
    rm -f "$file"
  done
}

# --- files ---------------------------------------------------------------------

# Evicts a file from the page cache: fsync (dirty pages stay cached), then
# posix_fadvise DONTNEED.
evict() {
  sync "$1"
  dd if="$1" iflag=nocache count=0 status=none
}

# The percentage of a file's pages in the page cache.
cached_percent() {
  fincore --bytes --noheadings --output RES,SIZE "$1" |
    awk '{ printf "%.0f", $2 ? 100 * $1 / $2 : 0 }'
}

# Runs a command (stdout to /dev/null); prints the peak RSS, in KiB, of the
# largest process among it and the processes it waited for (getrusage of
# children, as the kernel keeps it): for `taskfs run`, its worker.
peak_rss_kib() {
  python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}

# VmRSS or VmHWM (FIELD) of process PID, in KiB.
vm_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# VmRSS of process PID once it holds still for 0.3 s (at most 10 s): a daemon
# hands back what a large computation freed just after it answered the reader.
settled_rss_kib() {
  local last now same=0 i
  last=$(vm_kib "$1" VmRSS)
  for ((i = 0; i < 100 && same < 3; i++)); do
    sleep 0.1
    now=$(vm_kib "$1" VmRSS)
    if [[ $now == "$last" ]]; then same=$((same + 1)); else same=0; fi
    last=$now
  done
  echo "$last"
}
