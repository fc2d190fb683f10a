// FUSE passthrough, by hand: with it the kernel reads a cached result's blob
// file itself, at the speed of a plain file, instead of asking the daemon for
// every megabyte. The kernel has it since 6.9; libfuse only since 3.16, and
// Debian 12 ships 3.14. So the daemon mounts /dev/fuse itself (root only),
// gives libfuse custom I/O, and amends two replies on their way out: INIT (to
// ask for passthrough) and OPEN (to name the backing file). Anything that does
// not work out leaves the ordinary path in place.
#pragma once

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace taskfs::fs {

class Passthrough {
 public:
  // Mounts `se` on `mountpoint` with custom I/O through this object. False,
  // with nothing mounted, when that is not possible (not root, no /dev/fuse):
  // the caller then mounts the ordinary way. `allow_other`: every user may
  // read the mount.
  bool mount(fuse_session* se, const std::filesystem::path& mountpoint, bool allow_other);
  // True if mount() mounted: the caller unmounts with unmount().
  bool mounted() const { return fd_ >= 0; }
  void unmount(const std::filesystem::path& mountpoint);

  // True once the kernel agreed to passthrough at INIT.
  bool enabled() const { return enabled_; }
  // Registers `file_fd` as the backing file for the open about to be answered
  // with file handle `fh`. False when the kernel refuses (the open is then
  // answered without passthrough).
  bool back_open(std::uint64_t fh, int file_fd);
  // Forgets the backing file of a released handle.
  void release(std::uint64_t fh);

 private:
  static ssize_t read_request(int fd, void* buf, size_t len, void* userdata);
  static ssize_t write_reply(int fd, struct iovec* iov, int count, void* userdata);
  void amend(struct iovec* iov, int count);

  int fd_ = -1;
  std::atomic<bool> enabled_{false};
  std::mutex mutex_;
  std::uint64_t init_unique_ = 0;
  bool kernel_offers_ = false;
  std::unordered_set<std::uint64_t> open_uniques_;           // OPEN requests not yet answered
  std::unordered_map<std::uint64_t, std::int32_t> backing_;  // file handle -> backing id
};

}  // namespace taskfs::fs
