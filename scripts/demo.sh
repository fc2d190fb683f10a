#!/bin/bash
# Sets up a fresh Debian 12 machine (packages, build) and runs the demo:
# mounts this repository's Fashion-MNIST pipeline, reads the report cold and
# warm, then changes a train param and shows that only train, evaluate and
# results ran again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

taskfs=build/taskfs
store=build/demo-store  # a store of its own, so the first read is really cold
mnt=mnt
rm -rf "$store"
"$taskfs" unmount "$mnt" 2>/dev/null || true
trap '"$taskfs" unmount "$mnt" 2>/dev/null || true' EXIT
"$taskfs" mount "$mnt" --store "$store"

# Runs a command and leaves the seconds it took in $elapsed.
timed() {
  local start
  start=$(date +%s.%N)
  "$@"
  elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }')
}

echo "== cat $mnt/results/default   (cold: runs the whole chain)"
timed cat "$mnt/results/default"
cold=$elapsed
timed cat "$mnt/results/default" >/dev/null
warm=$elapsed
echo
echo "== grep accuracy $mnt/results/train=maxiter:50   (re-runs train, evaluate, results only)"
timed grep accuracy "$mnt/results/train=maxiter:50"
changed=$elapsed
echo
echo "== what ran for it (newest first, from $mnt/.taskfs/status):"
sed -n '/^recent runs:/,$p' "$mnt/.taskfs/status" | head -4
echo
echo "timings: cold ${cold}s, warm ${warm}s, changed train param ${changed}s"
