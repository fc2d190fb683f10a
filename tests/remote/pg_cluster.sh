#!/bin/sh
# A private PostgreSQL cluster for the team-cache tests and benchmarks:
#   pg_cluster.sh start STATE_FILE   initdb + start in a new temporary directory,
#                                    listening on a Unix socket only; writes the
#                                    libpq connection string to STATE_FILE
#   pg_cluster.sh stop STATE_FILE    stops it and removes the directory
# The server refuses to run as root, so as root it runs as the `postgres` user
# (Debian's postgresql package creates it).
set -eu
action=$1
state=$2

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/pg_ctl" ] || { echo "pg_cluster.sh: PostgreSQL server not installed (scripts/setup.sh installs it)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    [ ! -f "$state" ] || "$0" stop "$state"
    dir=$(mktemp -d /tmp/taskfs-pg.XXXXXX)
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    cd /  # the server user may not enter the caller's directory
    as_owner "$bindir/initdb" -D "$dir/data" -U taskfs -A trust --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # No TCP at all; fsync off: a test cluster need not survive a power cut.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses= -k $dir -c fsync=off -c synchronous_commit=off" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "host=$dir user=taskfs dbname=postgres" >"$state"
    ;;
  stop)
    [ -f "$state" ] || exit 0
    dir=$(sed -n 's/^host=\([^ ]*\) .*/\1/p' "$state")
    case "$dir" in /tmp/taskfs-pg.*) ;; *) echo "pg_cluster.sh: odd state file $state" >&2; exit 1 ;; esac
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir" "$state"
    ;;
  *)
    echo "usage: pg_cluster.sh start|stop STATE_FILE" >&2
    exit 2
    ;;
esac
