#!/bin/sh
# A user's project outside the taskfs tree: installs taskfs, builds
# tests/project/out_of_tree against the installed package, runs its tasks with
# the installed taskfs, then edits a copy of a.cpp and checks what re-runs:
#   comment and whitespace edits: nothing (the fingerprint header is unchanged;
#     `taskfs why` says the result is cached);
#   one task's body: that task only (`taskfs why` names its code);
#   a helper in the file: the tasks of that file, and not the task of b.cpp
#   that takes one of them as input, whose bytes did not change;
#   a compile definition (target or CMAKE_CXX_FLAGS), sources unchanged: every
#   task; a rebuild with the same flags: nothing.
# Executions are counted in the run log that `taskfs status` prints.
#
# usage: out_of_tree_test.sh TASKFS_BUILD_DIR PROJECT_DIR
set -eu
build=$1
project=$2
test_name=out-of-tree
. "$(dirname "$0")/../lib.sh"

rebuild() {
  locked cmake --build "$tmp/build" -j2 >"$tmp/build.log" 2>&1 || {
    cat "$tmp/build.log" >&2
    fail "the project does not build"
  }
}

taskfs() {
  (cd "$tmp" && "$tmp/prefix/bin/taskfs" "$@" --tasks "$tmp/build/libmytasks.so" --store "$tmp/store")
}

# Replaces text in a.cpp, failing if the text is not there.
edit() {
  grep -qF "$1" "$tmp/src/a.cpp" || fail "a.cpp has no '$1' to edit"
  sed -i "s|$2|$3|" "$tmp/src/a.cpp"
  grep -qF "$1" "$tmp/src/a.cpp" && fail "the edit of '$1' did not apply"
  return 0
}

expect_output() {
  got=$(taskfs run greeting count shout) || fail "taskfs run failed"
  [ "$got" = "$1" ] || fail "taskfs run printed '$got', expected '$1'"
}

# expect_runs TASK=N...: each task ran successfully N times in all.
expect_runs() {
  log=$(taskfs status) || fail "taskfs status failed"
  for pair in "$@"; do
    task=${pair%=*}
    want=${pair#*=}
    got=$(printf '%s\n' "$log" | grep " $task/default" | grep -vc FAILED || true)
    [ "$got" = "$want" ] || fail "$task ran $got times, expected $want; the run log:
$log"
  done
}

# expect_why PATH TEXT: `taskfs why PATH` starts with TEXT.
expect_why() {
  got=$(taskfs why "$1") || fail "taskfs why $1 failed"
  case "$got" in "$2"*) ;; *) fail "taskfs why $1 printed '$got', expected '$2...'" ;; esac
}

fingerprints() {
  cat "$tmp"/build/mytasks_fingerprints/*.h
}

# configure CMAKE_ARGS...: (re)configures the project.
configure() {
  locked cmake -S "$tmp/src" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" "$@" >"$tmp/configure.log" 2>&1 || {
    cat "$tmp/configure.log" >&2
    fail "find_package(taskfs) and taskfs_add_tasks did not configure"
  }
}

step="install"
locked cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cp -r "$project" "$tmp/src"
step="configure"
configure

step="first build"
rebuild
[ -f "$tmp/build/libmytasks.so" ] || fail "no libmytasks.so"
expect_output "hello, world
6
HELLO, WORLD"
expect_runs greeting=1 count=1 shout=1

step="comment and whitespace edit"
before=$(fingerprints)
edit "return n * 2;" "return n \* 2;" "\/\/ twice n\n  return   n*2 ;  \/* still twice *\/"
printf '// a comment at the end\n' >>"$tmp/src/a.cpp"
rebuild
[ "$(fingerprints)" = "$before" ] || fail "the fingerprint header changed"
expect_why count "cached: computed "
expect_output "hello, world
6
HELLO, WORLD"
expect_runs greeting=1 count=1 shout=1

step="edit of one task's body"
edit "n*2 ;" "n\*2 ;" "n*3 ;"
rebuild
expect_why count "code of count changed (src/a.cpp)"
expect_output "hello, world
9
HELLO, WORLD"
expect_runs greeting=1 count=2 shout=1

step="edit of a helper"
edit "return 1; }" "return 1; }" "return 2; }"
rebuild
expect_output "hello, world
9
HELLO, WORLD"
expect_runs greeting=2 count=3 shout=1

step="a compile definition of the target changed, sources unchanged"
configure -DMYTASKS_DEFINITIONS=FLAVOR=2
rebuild
expect_output "hello, world
9
HELLO, WORLD"
expect_runs greeting=3 count=4 shout=2

step="a rebuild with the same flags"
before=$(fingerprints)
configure -DMYTASKS_DEFINITIONS=FLAVOR=2
rebuild
[ "$(fingerprints)" = "$before" ] || fail "the fingerprint header changed"
expect_output "hello, world
9
HELLO, WORLD"
expect_runs greeting=3 count=4 shout=2

step="a definition in CMAKE_CXX_FLAGS"
configure -DCMAKE_CXX_FLAGS=-DEXTRA_CHECKS
rebuild
expect_output "hello, world
9
HELLO, WORLD"
expect_runs greeting=4 count=5 shout=3

echo "out-of-tree project: ok"
