#include "store/store_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

namespace taskfs {

StoreLock::StoreLock(const StoreDir& dir, const std::string& name, Mode mode)
    : fd_(dir.open(name, O_RDWR | O_CREAT | O_CLOEXEC)) {
  if (!fd_) throw StoreError("cannot open the store's " + name + ": " + std::strerror(errno));
  int operation = mode == Mode::Shared ? LOCK_SH : LOCK_EX;
  int rc;
  while ((rc = ::flock(fd_.get(), operation)) != 0 && errno == EINTR) {
  }
  if (rc != 0) throw StoreError("cannot lock the store's " + name + ": " + std::strerror(errno));
}

bool writer_gone(pid_t pid) {
  // kill(pid, 0) fails with ESRCH once the process is gone.
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace taskfs
