#!/usr/bin/env bash
# Figure 12, collections (SPEC sections 5 and 6):
# - writing and reading back N elements of 100 bytes: a tf::List stored
#   element by element and read back through the lazy view, against the same
#   strings as one cereal-serialized std::vector (whole cold `taskfs run` of
#   the reader, which runs the writer first); target at least half its speed;
# - cat of one element of a cached list of 1k, 100k and 1M elements through
#   the mount (interleaved runs, median), against cat of a plain file of the
#   same bytes: within 1.5x, and not growing with N.
# The 2 GiB collection's memory is figure 13; one new file in a 10,000-file
# .each glob waits for .each.
source "$(dirname "$0")/lib.sh"
begin_figure collections
n=${BENCH_COLLECTION_N:-1000000}
runs=${BENCH_COLLECTION_RUNS:-200}

run() { "$TASKFS" run "$@" --tasks "$BENCH_COLLECTION_LIB" --store store; }

say "writing and reading back $n elements of 100 bytes, element-wise and as one blob"
list_ms=$(time_ms run "list_bytes/list=n:$n")
vector_ms=$(time_ms run "vector_bytes/vector=n:$n")
speed=$(calc "$vector_ms / $list_ms" 2)
row "12 collections: write + read back $n elements of 100 B" \
  "$list_ms ms (x$speed the speed of one blob)" ">= 0.5x one cereal blob" \
  "the same std::vector as one blob: $vector_ms ms" "$(check "$speed" '>=' 0.5)"

sizes=(1000 100000 1000000)
for size in "${sizes[@]}"; do
  say "a cached list of $size elements"
  run "list/n:$size/$((size / 2))" >"plain-$size.txt"
done
mount_fg mnt "$BENCH_COLLECTION_LIB" store
for size in "${sizes[@]}"; do
  element="$FIG_DIR/mnt/list/n:$size/$((size / 2))"
  cmp -s "$element" "plain-$size.txt" || { echo "the mount serves other bytes" >&2; exit 1; }
  say "cat of one element of $size, $runs runs each, interleaved"
  times=$(spawn_runs "$runs" cat "$element" -- cat "$FIG_DIR/plain-$size.txt")
  { read -r mount_us _; read -r plain_us _; } <<<"$times"
  ratio=$(calc "$mount_us / $plain_us" 2)
  row "12 collections: cat of one element of a $size-element list (median)" \
    "$(calc "$mount_us") us (x$ratio)" "<= 1.5x plain" "plain cat $(calc "$plain_us") us" \
    "$(check "$ratio" '<=' 1.5)"
done
