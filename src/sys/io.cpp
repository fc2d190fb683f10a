#include "sys/io.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace taskfs {
namespace {

// Calls `io(done)` (one read or write of the rest) until `size` bytes are
// through or it returns 0 (end of file); returns the count.
template <class Io>
std::size_t until_done(std::size_t size, const char* doing, Io io) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = io(done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), doing);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace

void write_all(int fd, std::string_view bytes, const char* doing) {
  until_done(bytes.size(), doing, [&](std::size_t done) {
    return ::write(fd, bytes.data() + done, bytes.size() - done);
  });
}

std::size_t read_full(int fd, char* out, std::size_t size, const char* doing) {
  return until_done(size, doing,
                    [&](std::size_t done) { return ::read(fd, out + done, size - done); });
}

std::size_t pread_full(int fd, char* out, std::size_t size, std::uint64_t offset,
                       const char* doing) {
  return until_done(size, doing, [&](std::size_t done) {
    return ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
  });
}

}  // namespace taskfs
