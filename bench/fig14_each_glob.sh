#!/usr/bin/env bash
# Figure 14, .each over a glob (SPEC 6, issue 10 point 6): a task run once per
# file of a 10,000-file glob and an aggregate over its collection, both
# trivial. After the cold build, one file is added and the aggregate read
# through the mount: exactly that file's element and the aggregate must run
# (counted in the store's runs table), and the rest of the read (the glob
# re-checked, 10,000 element keys looked up, the collection sealed) under
# 100 ms. Repeated with a new file each time; the median read is the figure.
# Also shown: ls -l of the whole directory (one lookup per element).
source "$(dirname "$0")/lib.sh"
begin_figure each_glob
files=${BENCH_EACH_FILES:-10000}
runs=${BENCH_EACH_RUNS:-5}

# Per task, how many runs the store recorded after run id $1, and their
# seconds in all: "task count seconds" lines.
runs_since() {
  python3 - "$FIG_DIR/store/taskfs.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for task, count, seconds in db.execute(
        "SELECT task, COUNT(*), SUM(seconds) FROM runs WHERE id > ? GROUP BY task ORDER BY task",
        (int(sys.argv[2]),)):
    print(task, count, seconds)
PY
}
last_run_id() {
  python3 -c 'import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
print(db.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0])' "$FIG_DIR/store/taskfs.db"
}

say "writing $files input files"
mkdir files
for ((i = 0; i < files; i++)); do echo "$i" >"files/f$i.txt"; done
expected=$(cat files/*.txt | wc -c)

mount_fg mnt "$BENCH_EACH_GLOB_LIB" store
total=$FIG_DIR/mnt/total_size/default
say "cold: $files elements and the aggregate"
cold_ms=$(time_ms cat "$total")
[[ $(cat "$total") == "$expected" ]] || { echo "total_size is not $expected" >&2; exit 1; }
say "no-op: the aggregate read again, nothing changed"
noop_ms=$(median_ms "$runs" cat "$total")
# ls -l looks the directory up once per element: each lookup must cost one
# element, not the whole glob (it did, n^2, until the directory stopped probing).
say "ls -l of the $files elements"
ls_ms=$(median_ms 3 ls -l mnt/file_size/default)

reads=() overheads=() exact=yes counts=""
for ((r = 0; r < runs; r++)); do
  before=$(last_run_id)
  echo "added $r" >"files/added$r.txt"
  expected=$((expected + $(wc -c <"files/added$r.txt")))
  read_ms=$(time_ms cat "$total")
  [[ $(cat "$total") == "$expected" ]] || { echo "total_size is not $expected" >&2; exit 1; }
  ran=$(runs_since "$before")
  counts=$(awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $1, $2 }' <<<"$ran")
  [[ $counts == "file_size 1, total_size 1" ]] || exact=no
  own_ms=$(awk '{ s += $3 } END { printf "%.3f", s * 1000 }' <<<"$ran")
  reads+=("$read_ms")
  overheads+=("$(calc "$read_ms - $own_ms")")
  say "read $read_ms ms, runs: $(awk '{ printf "%s %s x %.1f ms; ", $1, $2, $3 * 1000 }' <<<"$ran")"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
read_ms=$(median "${reads[@]}")
overhead_ms=$(median "${overheads[@]}")
verdict=$(check "$overhead_ms" '<' 100)
[[ $exact == yes ]] || verdict=MISS
row "14 .each over $files files: one file added, read of the aggregate (median of $runs)" \
  "$read_ms ms, overhead $overhead_ms ms; runs each time: $counts (exactly: $exact)" \
  "runs: file_size 1, total_size 1; overhead < 100 ms" \
  "no-op read $noop_ms ms; cold $cold_ms ms ($(calc "$cold_ms / $files" 3) ms an element); ls -l $ls_ms ms" \
  "$verdict"
