# Shared by the shell tests that build a project against taskfs (sourced):
# a scratch directory removed on exit, `fail` naming the step that failed, and
# `locked`, which runs a command under the build lock.
#
# usage: test_name=NAME; . tests/lib.sh   (sets tmp; the caller sets step as
# it goes)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskfs-$test_name-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
step="setup"

fail() {
  echo "FAIL ($step): $*" >&2
  exit 1
}

# Other builds share the machine: every cmake and make takes the build lock.
locked() {
  flock /tmp/taskfs-build.lock "$@"
}
