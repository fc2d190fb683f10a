#!/bin/sh
# Mounting as a regular user: a user created for the test mounts a project
# with its own copy of taskfs (fusermount3 mounts for it), reads results,
# and unmounts. What changes is checked too: the daemon says it serves
# without passthrough, the mount is the user's (user_id), and without
# --allow-other not even root can read it; with --allow-other, the mount
# needs user_allow_other in /etc/fuse.conf, and then root can read it.
#
# usage: non_root_mount_test.sh TASKFS TASKFS_WORKER TASK_LIBRARY
set -eu
user=taskfs-test
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: creating a user to mount as needs root (CI runs as root)"
  exit 77
fi
# Other test runs on this machine use the same user and /dev/fuse: one at a time.
exec 9>/tmp/taskfs-non-root.lock
flock 9
tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskfs-non-root-XXXXXX")
project=$tmp/project
fuse_mode=$(stat -c %a /dev/fuse)
created_user=0
daemons=""  # the pids of the daemons this test started
step="setup"

fail() {
  echo "FAIL ($step): $*" >&2
  [ -f "$project/store/daemon.log" ] && sed 's/^/  daemon.log: /' "$project/store/daemon.log" >&2
  exit 1
}

as_user() {
  (cd "$project" && runuser -u "$user" -- "$@")
}

cleanup() {
  fusermount3 -u -z "$project/mnt" 2>/dev/null || true
  for pid in $daemons; do kill -KILL "$pid" 2>/dev/null || true; done
  chmod "$fuse_mode" /dev/fuse
  [ "$created_user" -eq 1 ] && userdel "$user"
  rm -rf "$tmp"
}
trap cleanup EXIT

# The pids of the taskfs daemons running as the test user from its copy
# (procps may be missing on a minimal system: read /proc).
user_daemons() {
  for dir in /proc/[0-9]*; do
    [ "$(stat -c %U "$dir" 2>/dev/null)" = "$user" ] || continue
    tr '\0' ' ' <"$dir/cmdline" 2>/dev/null | grep -q "^$tmp/bin/taskfs mount" &&
      echo "${dir#/proc/}"
  done
  return 0
}

# Bounded wait for a condition (a shell command); false when 10 s ran out.
eventually() {
  i=0
  while ! sh -c "$1"; do
    i=$((i + 1))
    [ $i -ge 200 ] && return 1
    sleep 0.05
  done
}

if ! id "$user" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  created_user=1
fi
# libfuse opens /dev/fuse before it falls back to fusermount3; Debian's mode
# is 0666, some containers have 0600. Restored on exit.
chmod 0666 /dev/fuse
# A copy the user can reach whatever the permissions of the build tree.
chmod 0755 "$tmp"
mkdir "$tmp/bin" "$project"
cp "$1" "$2" "$3" "$tmp/bin/"
library=$tmp/bin/$(basename "$3")
chown "$user" "$project"
printf 'tasks = %s\nstore = store\nmountpoint = mnt\n' "$library" >"$project/taskfs.ini"

step="mount as $user"
as_user "$tmp/bin/taskfs" mount || fail "taskfs mount failed as $user"
daemons=$(user_daemons)
[ -n "$daemons" ] || fail "no daemon runs as $user"
mounts_line=$(grep " $project/mnt fuse" /proc/mounts) || fail "nothing is mounted on mnt"
case $mounts_line in
  *"user_id=$(id -u "$user"),"*) ;;
  *) fail "the mount is not $user's: $mounts_line" ;;
esac
grep -q "mounted as a regular user: no FUSE passthrough" "$project/store/daemon.log" ||
  fail "the daemon log does not say it serves without passthrough"

step="read as $user"
got=$(as_user cat mnt/numbers/default) || fail "cat failed"
[ "$got" = "1
2
3
4
5" ] || fail "numbers/default read '$got'"
[ "$(as_user cat mnt/total/default)" = "15" ] || fail "total/default is not 15"
[ "$(as_user getfattr --only-values -n user.taskfs.state mnt/total/default)" = "cached" ] ||
  fail "total/default is not cached after its read"

step="root without allow_other"
if err=$(cat "$project/mnt/numbers/default" 2>&1); then
  fail "root could read a mount made without --allow-other"
fi
case $err in
  *"Permission denied"*) ;;
  *) fail "root's read failed, but not with EACCES: $err" ;;
esac

step="unmount as $user"
as_user "$tmp/bin/taskfs" unmount || fail "taskfs unmount failed as $user"
eventually "! grep -q ' $project/mnt fuse' /proc/mounts" || fail "mnt is still mounted"
eventually "! kill -0 $daemons 2>/dev/null" || fail "the daemon did not exit"

step="--allow-other"
if grep -qx 'user_allow_other' /etc/fuse.conf 2>/dev/null; then
  as_user "$tmp/bin/taskfs" mount --allow-other || fail "mount --allow-other failed"
  daemons=$(user_daemons)
[ -n "$daemons" ] || fail "no daemon runs as $user"
  [ "$(cat "$project/mnt/total/default")" = "15" ] || fail "root cannot read an allow_other mount"
  as_user "$tmp/bin/taskfs" unmount || fail "taskfs unmount failed"
  echo "user_allow_other is set in /etc/fuse.conf: root read the --allow-other mount"
else
  if err=$(as_user "$tmp/bin/taskfs" mount --allow-other 2>&1); then
    fail "mount --allow-other succeeded without user_allow_other in /etc/fuse.conf"
  fi
  case $err in
    *user_allow_other*/etc/fuse.conf*) ;;
    *) fail "the refusal of --allow-other does not name the fuse.conf line: $err" ;;
  esac
  echo "no user_allow_other in /etc/fuse.conf: --allow-other refused with: $err"
fi
echo "mounting as a regular user: ok"
