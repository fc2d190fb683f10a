#!/bin/sh
# The Debian package as a user gets it: makes it with `cpack -G DEB` from the
# build tree, checks its Depends and its files (programs, headers, CMake
# package, man page, bash completion), unpacks it into a scratch root with
# dpkg -x, and builds and runs a task library out of tree against that root.
#
# usage: deb_package_test.sh TASKFS_BUILD_DIR PROJECT_DIR
set -eu
build=$1
project=$2
test_name=deb
. "$(dirname "$0")/../lib.sh"

step="cpack"
(cd "$build" && locked cpack -G DEB -B "$tmp/cpack") >"$tmp/cpack.log" 2>&1 || {
  cat "$tmp/cpack.log" >&2
  fail "cpack -G DEB did not make a package"
}
deb=$(ls "$tmp"/cpack/taskfs_*.deb) || fail "no taskfs_*.deb in $tmp/cpack"

step="Depends"
depends=$(dpkg-deb -f "$deb" Depends)
for library in libfuse3 libsqlite3 libxxhash libpq libboost-program-options libgvc fuse3 \
  libcereal-dev; do
  case ", $depends" in
    *", $library"*) ;;
    *) fail "Depends lacks $library: $depends" ;;
  esac
done

step="files"
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$tmp/files"
for file in usr/bin/taskfs usr/bin/taskfs-worker usr/bin/taskfs-fingerprint \
  usr/include/taskfs/taskfs.hpp usr/lib/cmake/taskfs/taskfsConfig.cmake \
  usr/share/man/man1/taskfs.1.gz usr/share/bash-completion/completions/taskfs; do
  grep -qx "./$file" "$tmp/files" || fail "the package has no /$file"
done

step="dpkg -x"
dpkg -x "$deb" "$tmp/root"
root=$tmp/root/usr
zcat "$root/share/man/man1/taskfs.1.gz" | groff -man -Tascii 2>/dev/null |
  grep -q "taskfs - cached C++ task results" ||
  fail "the packaged man page does not render"
bash -n "$root/share/bash-completion/completions/taskfs" || fail "the completion is not valid bash"

step="out-of-tree build against the package"
cp -r "$project" "$tmp/src"
locked cmake -S "$tmp/src" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$root" \
  >"$tmp/configure.log" 2>&1 || {
  cat "$tmp/configure.log" >&2
  fail "find_package(taskfs) did not configure against the unpacked package"
}
grep -q "$root" "$tmp/build/CMakeCache.txt" || fail "taskfs was not found in the unpacked package"
locked cmake --build "$tmp/build" -j2 >"$tmp/build.log" 2>&1 || {
  cat "$tmp/build.log" >&2
  fail "the task library does not build against the package"
}

step="taskfs run from the package"
got=$(cd "$tmp" && "$root/bin/taskfs" run greeting count shout \
  --tasks "$tmp/build/libmytasks.so" --store "$tmp/store") || fail "taskfs run failed"
[ "$got" = "hello, world
6
HELLO, WORLD" ] || fail "taskfs run printed '$got'"

echo "Debian package: ok ($(du -k "$deb" | cut -f1) KiB, Depends: $depends)"
