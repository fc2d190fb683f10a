# shellcheck shell=bash
# Sourced by the examples' run.sh: reads task results through a taskfs mount,
# or, given --no-mount, with `taskfs run` (no FUSE needed).
#
#   start_session "$@"     mounts mnt/ (unmounted on exit) unless --no-mount
#   result PATH            prints the result at PATH (TASK/VARIANT)
#   list_variants TASK     shows the cached variants of TASK
#   results_dir PATH...    a directory holding at least these results, for tools
#                          that take file names (make): the mount itself, or a
#                          copy under out/results/
#
# TASKFS names the taskfs program (default: taskfs on PATH).

TASKFS=${TASKFS:-taskfs}
USE_MOUNT=1

start_session() {
  case "${1:-}" in
    "") ;;
    --no-mount) USE_MOUNT=0 ;;
    *)
      echo "usage: $0 [--no-mount]" >&2
      exit 2
      ;;
  esac
  ((USE_MOUNT)) || return 0
  mkdir -p mnt
  "$TASKFS" mount mnt
  trap '"$TASKFS" unmount mnt' EXIT
  # The daemon may still be starting when mount returns: wait up to 10 s.
  for _ in $(seq 100); do
    mountpoint -q mnt && return 0
    sleep 0.1
  done
  echo "$0: mnt is not mounted after 10 s" >&2
  exit 1
}

result() {
  if ((USE_MOUNT)); then
    cat "mnt/$1"
  else
    "$TASKFS" run "$1"
  fi
}

list_variants() {
  if ((USE_MOUNT)); then
    ls "mnt/$1"
  else
    "$TASKFS" ls "$1"
  fi
}

results_dir() {
  if ((USE_MOUNT)); then
    echo mnt
    return
  fi
  local path
  for path in "$@"; do
    mkdir -p "out/results/$(dirname "$path")"
    result "$path" >out/results/new
    # Replaced only when changed, so that make sees the same times as in a mount.
    if cmp -s out/results/new "out/results/$path"; then
      rm out/results/new
    else
      mv out/results/new "out/results/$path"
    fi
  done
  echo out/results
}
