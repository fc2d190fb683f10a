#include "store/blob_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace taskfs {
namespace {

[[noreturn]] void fail(const std::string& doing, int err) {
  throw std::runtime_error("storing a result: " + doing + ": " + std::strerror(err));
}

}  // namespace

void write_blob_file(const std::filesystem::path& tmp_dir, const std::filesystem::path& final_path,
                     std::string_view bytes) {
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) return;  // content-addressed: same bytes
  static std::atomic<unsigned> counter{0};
  std::filesystem::path tmp =
      tmp_dir / (std::to_string(::getpid()) + "-" + std::to_string(counter++));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("creating " + tmp.string(), errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail("writing " + tmp.string(), err);
    }
    done += static_cast<std::size_t>(n);
  }
  // On disk before the row that names it is committed: after a power loss a
  // committed row never points at a short file.
  if (::fdatasync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail("writing " + tmp.string(), err);
  }
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail("renaming into " + final_path.string(), err);
  }
  // The new name on disk too, for the same reason as the data.
  int dir = ::open(final_path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0 || ::fsync(dir) != 0) {
    int err = errno;
    if (dir >= 0) ::close(dir);
    fail("syncing " + final_path.parent_path().string(), err);
  }
  ::close(dir);
}

}  // namespace taskfs
