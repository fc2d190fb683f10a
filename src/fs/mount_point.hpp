// The mount point and the store's daemon lock: one daemon per store, and a
// mount left behind by a dead daemon is cleaned up rather than refused.
#pragma once

#include <filesystem>
#include <string>

#include "sys/fd.hpp"
#include "sys/store_dir.hpp"

namespace taskfs::fs {

// Checks `mountpoint` for a new mount, creating it if missing. A FUSE mount
// whose daemon died ("Transport endpoint is not connected") is left in place,
// so that the new mount can replace it in one step (see clear_stale_mount).
// Throws std::runtime_error if something live is mounted there, or if it is
// not a directory.
void check_mountpoint(const std::filesystem::path& mountpoint);

// Lazily unmounts a FUSE mount whose daemon died from `mountpoint`, if there
// is one. Throws std::runtime_error when it cannot.
void clear_stale_mount(const std::filesystem::path& mountpoint);

// Throws std::runtime_error saying what to do when this user may not mount
// with allow_other: only root may, unless /etc/fuse.conf has user_allow_other.
void check_allow_other();

// True if something is mounted on `mountpoint` (per /proc/self/mounts).
bool is_mounted(const std::filesystem::path& mountpoint);

// Unmounts with fusermount3 -u, falling back to umount2; 0 on success.
int unmount_path(const std::filesystem::path& mountpoint, bool lazy);

// Raises the kernel's readahead for the mount (the FUSE default caps reads at
// 128 KiB); best effort, as it needs root. Returns why it failed, or empty.
std::string raise_readahead(const std::filesystem::path& mountpoint);

// The exclusive lock a daemon holds on its store for its lifetime.
class StoreLock {
 public:
  // Takes the lock (store/daemon.lock, never through a link) or throws
  // std::runtime_error naming the daemon holding it.
  StoreLock(const StoreDir& store, const std::filesystem::path& mountpoint);

 private:
  Fd fd_;  // closing it releases the lock
};

}  // namespace taskfs::fs
