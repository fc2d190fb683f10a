#include "fs/passthrough.hpp"

#include <fcntl.h>
#include <linux/fuse.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/uio.h>
#include <unistd.h>

#include <string>

#include "fs/filesystem.hpp"
#include "log.hpp"
#include "sys/fd.hpp"

namespace taskfs::fs {
namespace {

// Kernel 6.9 interface, newer than the headers of Debian 12 (linux/fuse.h 7.38).
constexpr std::uint32_t kInitExt = 1u << 30;           // FUSE_INIT_EXT, in flags
constexpr std::uint32_t kPassthroughFlags2 = 1u << 5;  // FUSE_PASSTHROUGH (bit 37), in flags2
constexpr std::uint32_t kOpenPassthrough = 1u << 7;    // FOPEN_PASSTHROUGH
struct BackingMap {                                    // struct fuse_backing_map
  std::int32_t fd;
  std::uint32_t flags;
  std::uint64_t padding;
};
constexpr unsigned long kBackingOpen = _IOW(FUSE_DEV_IOC_MAGIC, 1, BackingMap);
constexpr unsigned long kBackingClose = _IOW(FUSE_DEV_IOC_MAGIC, 2, std::uint32_t);
// fuse_init_out: max_stack_depth is the word after flags2 (unused[0] in 7.38).
constexpr std::size_t kMaxStackDepthOffset = offsetof(fuse_init_out, unused);

Passthrough& of(void* userdata) { return static_cast<Filesystem*>(userdata)->passthrough(); }

}  // namespace

bool Passthrough::mount(fuse_session* se, const std::filesystem::path& mountpoint,
                        bool allow_other) {
  if (::geteuid() != 0) return false;
  Fd fuse(::open("/dev/fuse", O_RDWR | O_CLOEXEC));
  if (!fuse) return false;
  std::string options = "fd=" + std::to_string(fuse.get()) +
                        ",rootmode=40000,user_id=" + std::to_string(::getuid()) +
                        ",group_id=" + std::to_string(::getgid()) + ",default_permissions" +
                        (allow_other ? ",allow_other" : "");
  if (::mount("taskfs", mountpoint.c_str(), "fuse.taskfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
              options.c_str()) != 0) {
    return false;
  }
  static const fuse_custom_io io{write_reply, read_request, nullptr, nullptr};
  if (fuse_session_custom_io(se, &io, fuse.get()) != 0) {
    ::umount2(mountpoint.c_str(), MNT_DETACH);
    return false;
  }
  fd_ = fuse.release();  // the session owns it now: fuse_session_destroy closes it
  return true;
}

void Passthrough::unmount(const std::filesystem::path& mountpoint) {
  ::umount2(mountpoint.c_str(), MNT_DETACH);
}

ssize_t Passthrough::read_request(int fd, void* buf, size_t len, void* userdata) {
  ssize_t n = ::read(fd, buf, len);
  if (n < static_cast<ssize_t>(sizeof(fuse_in_header))) return n;
  const auto* header = static_cast<const fuse_in_header*>(buf);
  Passthrough& self = of(userdata);
  if (header->opcode == FUSE_INIT &&
      n >= static_cast<ssize_t>(sizeof(fuse_in_header) + sizeof(fuse_init_in))) {
    const auto* init = reinterpret_cast<const fuse_init_in*>(header + 1);
    std::lock_guard lock(self.mutex_);
    self.init_unique_ = header->unique;
    self.kernel_offers_ = (init->flags & kInitExt) && (init->flags2 & kPassthroughFlags2);
  } else if (header->opcode == FUSE_OPEN) {
    std::lock_guard lock(self.mutex_);
    self.open_uniques_.insert(header->unique);
  }
  return n;
}

ssize_t Passthrough::write_reply(int fd, struct iovec* iov, int count, void* userdata) {
  of(userdata).amend(iov, count);
  return ::writev(fd, iov, count);
}

void Passthrough::amend(struct iovec* iov, int count) {
  if (count < 2 || iov[0].iov_len < sizeof(fuse_out_header)) return;
  const auto* header = static_cast<const fuse_out_header*>(iov[0].iov_base);
  std::lock_guard lock(mutex_);
  if (header->unique == init_unique_ && header->error == 0 && kernel_offers_ &&
      iov[1].iov_len >= kMaxStackDepthOffset + sizeof(std::uint32_t)) {
    auto* init = static_cast<fuse_init_out*>(iov[1].iov_base);
    init->flags |= kInitExt;
    init->flags2 |= kPassthroughFlags2;
    // The most the kernel allows: blob files may then live on a stacked
    // filesystem themselves (a store on overlayfs, as in containers).
    *reinterpret_cast<std::uint32_t*>(static_cast<char*>(iov[1].iov_base) + kMaxStackDepthOffset) =
        2;
    enabled_ = true;
    log_line("the kernel reads cached results straight from the store (FUSE passthrough)");
    return;
  }
  if (open_uniques_.erase(header->unique) == 0 || header->error != 0 ||
      iov[1].iov_len < sizeof(fuse_open_out)) {
    return;
  }
  auto* open = static_cast<fuse_open_out*>(iov[1].iov_base);
  auto backing = backing_.find(open->fh);
  if (backing == backing_.end()) return;
  open->open_flags &= ~(FOPEN_DIRECT_IO | FOPEN_KEEP_CACHE);
  open->open_flags |= kOpenPassthrough;
  open->padding = static_cast<std::uint32_t>(backing->second);  // backing_id
}

bool Passthrough::back_open(std::uint64_t fh, int file_fd) {
  if (!enabled_) return false;
  BackingMap map{file_fd, 0, 0};
  int id = ::ioctl(fd_, kBackingOpen, &map);
  if (id <= 0) return false;
  std::lock_guard lock(mutex_);
  backing_[fh] = id;
  return true;
}

void Passthrough::release(std::uint64_t fh) {
  std::lock_guard lock(mutex_);
  auto it = backing_.find(fh);
  if (it == backing_.end()) return;
  auto id = static_cast<std::uint32_t>(it->second);
  ::ioctl(fd_, kBackingClose, &id);
  backing_.erase(it);
}

}  // namespace taskfs::fs
