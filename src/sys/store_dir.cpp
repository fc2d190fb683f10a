#include "sys/store_dir.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <utility>

namespace taskfs {
namespace {

std::string user_name(uid_t uid) {
  passwd entry{};
  passwd* found = nullptr;
  char buf[1024];
  if (::getpwuid_r(uid, &entry, buf, sizeof buf, &found) == 0 && found != nullptr) {
    return std::string(found->pw_name) + " (uid " + std::to_string(uid) + ")";
  }
  return "uid " + std::to_string(uid);
}

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Why a store directory cannot be trusted, or empty.
std::string loose_store(const std::filesystem::path& path, const struct stat& st) {
  if (st.st_uid != ::geteuid()) {
    return path.string() + " belongs to " + user_name(st.st_uid) + ", not to " +
           user_name(::geteuid()) +
           " who runs taskfs; refusing a store another user controls (use a store of your own)";
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return path.string() + " is writable by " +
           ((st.st_mode & S_IWOTH) != 0 ? "every user" : "its group") + " (mode " +
           octal(st.st_mode) +
           "); refusing it, as whoever can write there can make taskfs overwrite other files "
           "through planted links (if the store is yours: chmod 700 " +
           path.string() + ")";
  }
  return {};
}

}  // namespace

int open_below(int dir_fd, const std::string& name, int flags, mode_t mode) {
  // Seccomp filters of container runtimes answer ENOSYS (older ones EPERM)
  // for openat2; O_NOFOLLOW still guards the last component then.
  static std::atomic<bool> has_openat2{true};
  flags |= O_NOFOLLOW | O_CLOEXEC;
  bool creates = (flags & O_CREAT) != 0;
  if (has_openat2) {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags);
    how.mode = creates ? mode : 0;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH;
    long fd = ::syscall(SYS_openat2, dir_fd, name.c_str(), &how, sizeof how);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return static_cast<int>(fd);
    if (errno == ENOSYS) has_openat2 = false;
  }
  return ::openat(dir_fd, name.c_str(), flags, mode);
}

StoreDir::StoreDir(std::filesystem::path path) : path_(std::move(path)) {
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  bool created = ::mkdir(path_.c_str(), 0700) == 0;
  if (!created && errno != EEXIST) {
    throw StoreError("cannot create the store " + path_.string() + ": " + std::strerror(errno));
  }
  // The store's own path may be a link the project chose (a store on another
  // disk); what is below it is opened without following any.
  fd_ = Fd(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd() < 0) {
    int err = errno;
    throw StoreError(err == ENOTDIR
                         ? path_.string() + " is not a taskfs store (it is a file, not a directory)"
                         : "cannot open the store " + path_.string() + ": " + std::strerror(err));
  }
  struct stat st {};
  std::string why = ::fstat(fd(), &st) != 0 ? std::strerror(errno) : loose_store(path_, st);
  // Exactly 0700 whatever the umask; an existing store keeps its mode until
  // it is known to be a store (see tighten()).
  if (why.empty() && created && ::fchmod(fd(), 0700) != 0) why = std::strerror(errno);
  if (!why.empty()) throw StoreError(why);
}

int StoreDir::open(const std::string& name, int flags) const {
  return open_below(fd(), name, flags);
}

Fd StoreDir::open_subdir(const std::string& name) const {
  if (::mkdirat(fd(), name.c_str(), 0700) != 0 && errno != EEXIST) {
    throw StoreError("cannot create " + (path_ / name).string() + ": " + std::strerror(errno));
  }
  Fd dir(open_below(fd(), name, O_RDONLY | O_DIRECTORY));
  if (dir.get() < 0) {
    std::string why = std::strerror(errno);
    struct stat st {};
    if (::fstatat(fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      why = "it is a symbolic link, not the directory the store keeps there";
    }
    throw StoreError("cannot open " + (path_ / name).string() + ": " + why);
  }
  return dir;
}

bool StoreDir::tighten() const {
  struct stat st {};
  if (::fstat(fd(), &st) != 0 || (st.st_mode & 077) == 0) return false;
  return ::fchmod(fd(), st.st_mode & 07700) == 0;
}

}  // namespace taskfs
