// What stat(2) says of a file, to notice a change without reading it.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <optional>
#include <string>

namespace taskfs {

struct FileStamp {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  long long mtime_ns = 0;
  long long ctime_ns = 0;
  // The file type (S_IFMT bits). Digests are kept for regular files only, so a
  // stamp read back from the store is a regular file's.
  mode_t type = S_IFREG;
  bool operator==(const FileStamp&) const = default;

  bool is_directory() const { return type == S_IFDIR; }
  bool is_regular() const { return type == S_IFREG; }

  // "device:inode:size:mtime:ctime", to store and compare later.
  std::string text() const {
    return std::to_string(device) + ":" + std::to_string(inode) + ":" + std::to_string(size) + ":" +
           std::to_string(mtime_ns) + ":" + std::to_string(ctime_ns);
  }
};

// The stamp of what fstat(2) or stat(2) said.
inline FileStamp stamp_from(const struct stat& st) {
  auto ns = [](const timespec& t) { return t.tv_sec * 1'000'000'000LL + t.tv_nsec; };
  return FileStamp{st.st_dev,      st.st_ino,      st.st_size,
                   ns(st.st_mtim), ns(st.st_ctim), st.st_mode & S_IFMT};
}

// nullopt when the file cannot be stat'ed (errno tells why). A relative
// `path` is taken from the directory `dir_fd` (AT_FDCWD: the working directory).
inline std::optional<FileStamp> stamp_of(const std::string& path, int dir_fd = AT_FDCWD) {
  struct stat st {};
  if (::fstatat(dir_fd, path.c_str(), &st, 0) != 0) return std::nullopt;
  return stamp_from(st);
}

}  // namespace taskfs
