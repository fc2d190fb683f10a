// The mount point and the store's daemon lock: one daemon per store, and a
// mount left behind by a dead daemon is cleaned up rather than refused.
#pragma once

#include <filesystem>
#include <string>

#include "sys/fd.hpp"

namespace taskfs::fs {

// Prepares `mountpoint` for a new mount: creates it if missing, lazily
// unmounts a stale FUSE mount ("Transport endpoint is not connected").
// Throws std::runtime_error if something live is mounted there.
void prepare_mountpoint(const std::filesystem::path& mountpoint);

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
  // Takes the lock or throws std::runtime_error naming the daemon holding it.
  StoreLock(const std::filesystem::path& store, const std::filesystem::path& mountpoint);

 private:
  Fd fd_;  // closing it releases the lock
};

}  // namespace taskfs::fs
