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
  bool is_directory = false;
  bool operator==(const FileStamp&) const = default;

  // "device:inode:size:mtime:ctime", to store and compare later.
  std::string text() const {
    return std::to_string(device) + ":" + std::to_string(inode) + ":" + std::to_string(size) + ":" +
           std::to_string(mtime_ns) + ":" + std::to_string(ctime_ns);
  }
};

// nullopt when the file cannot be stat'ed (errno tells why). A relative
// `path` is taken from the directory `dir_fd` (AT_FDCWD: the working directory).
inline std::optional<FileStamp> stamp_of(const std::string& path, int dir_fd = AT_FDCWD) {
  struct stat st {};
  if (::fstatat(dir_fd, path.c_str(), &st, 0) != 0) return std::nullopt;
  auto ns = [](const timespec& t) { return t.tv_sec * 1'000'000'000LL + t.tv_nsec; };
  return FileStamp{st.st_dev,      st.st_ino,      st.st_size,
                   ns(st.st_mtim), ns(st.st_ctim), S_ISDIR(st.st_mode)};
}

}  // namespace taskfs
