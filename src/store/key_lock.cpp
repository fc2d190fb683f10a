#include "store/key_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "store/store.hpp"
#include "sys/store_dir.hpp"

namespace taskfs {
namespace {

// True when `fd` is still the file named `name` in `dir`.
bool still_named(int fd, int dir, const std::string& name) {
  struct stat held {
  }, named{};
  return ::fstat(fd, &held) == 0 &&
         ::fstatat(dir, name.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 &&
         held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

}  // namespace

KeyLock::KeyLock(const Store& store, const Hash128& key) : KeyLock(store.locks_fd(), key.hex()) {
  take(true);
}

std::unique_ptr<KeyLock> KeyLock::try_take(const Store& store, const Hash128& key) {
  std::unique_ptr<KeyLock> lock(new KeyLock(store.locks_fd(), key.hex()));
  if (!lock->take(false)) return nullptr;
  return lock;
}

bool KeyLock::take(bool wait) {
  for (;;) {
    Fd file(open_below(dir_, name_, O_RDWR | O_CREAT | O_CLOEXEC));
    if (!file) {
      throw std::runtime_error("cannot create the lock locks/" + name_ +
                               " of the store: " + std::strerror(errno));
    }
    while (::flock(file.get(), wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK && !wait) return false;
      if (errno != EINTR) {
        throw std::runtime_error("cannot lock locks/" + name_ +
                                 " of the store: " + std::strerror(errno));
      }
    }
    // The holder before us removed the file before releasing it: a lock on
    // that file excludes no one, the name's new file does.
    if (still_named(file.get(), dir_, name_)) {
      file_ = std::move(file);
      return true;
    }
  }
}

KeyLock::~KeyLock() {
  if (file_) ::unlinkat(dir_, name_.c_str(), 0);  // file_ closes after: unlocks
}

}  // namespace taskfs
