// The store's directory, held open. It gives nothing away and follows no one's
// links: it is created 0700, refused when another user owns it or others may
// write into it (as ssh refuses a loose key file), and every file in it is
// opened relative to it without following symbolic links.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "sys/fd.hpp"

namespace taskfs {

// A store that cannot be opened: not a store, an unknown schema, a lock held,
// a directory that others could tamper with.
class StoreError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

class StoreDir {
 public:
  // Opens the directory `path`, creating it (and its parents) if missing; a new
  // store directory is 0700 whatever the umask. Throws StoreError when `path`
  // is not a directory, is owned by another user, or is writable by group or
  // others.
  explicit StoreDir(std::filesystem::path path);

  const std::filesystem::path& path() const { return path_; }
  int fd() const { return fd_.get(); }

  // Opens `name` (relative, e.g. "daemon.log" or "blobs/ab/abcd...") below the
  // store without following a symbolic link anywhere in it; a file it creates
  // is 0600. Returns the fd, or -1 with errno set.
  int open(const std::string& name, int flags) const;
  // Opens the subdirectory `name`, creating it 0700 if missing. Throws StoreError.
  Fd open_subdir(const std::string& name) const;

  // Removes group and other permissions from the directory itself (a store
  // made by an older taskfs was 0755); true when there were any to remove.
  bool tighten() const;

 private:
  std::filesystem::path path_;
  Fd fd_;
};

// Opens `name` below the directory `dir_fd` without following symbolic links
// (RESOLVE_NO_SYMLINKS where the kernel has it, else O_NOFOLLOW on the last
// component); created files get `mode`. Returns the fd, or -1 with errno set.
int open_below(int dir_fd, const std::string& name, int flags, mode_t mode = 0600);

}  // namespace taskfs
