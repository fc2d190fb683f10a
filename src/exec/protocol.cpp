#include "exec/protocol.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace taskfs::exec {
namespace {

// A frame's body is read in chunks that double, from this size on.
constexpr std::size_t kFirstChunk = 64 * 1024;

// Reads exactly n bytes; false if the stream ends before any byte was read.
bool read_exact(int fd, char* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    ssize_t r = ::read(fd, out + done, n - done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw std::runtime_error(std::string("worker pipe: ") + std::strerror(errno));
    if (r == 0) {
      if (done == 0) return false;
      throw std::runtime_error("worker pipe closed in the middle of a message");
    }
    done += static_cast<std::size_t>(r);
  }
  return true;
}

}  // namespace

void write_frame(int fd, const std::string& body) {
  std::uint32_t n = static_cast<std::uint32_t>(body.size());
  std::string frame(reinterpret_cast<const char*>(&n), sizeof n);
  frame += body;
  std::size_t done = 0;
  while (done < frame.size()) {
    ssize_t w = ::write(fd, frame.data() + done, frame.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw std::runtime_error(std::string("worker pipe: ") + std::strerror(errno));
    done += static_cast<std::size_t>(w);
  }
}

bool read_frame(int fd, std::string& body) {
  std::uint32_t n = 0;
  if (!read_exact(fd, reinterpret_cast<char*>(&n), sizeof n)) return false;
  body.clear();
  while (body.size() < n) {
    std::size_t chunk = std::min<std::size_t>(n - body.size(), std::max(kFirstChunk, body.size()));
    std::size_t at = body.size();
    body.resize(at + chunk);
    if (!read_exact(fd, body.data() + at, chunk)) {
      throw std::runtime_error("worker pipe closed in the middle of a message");
    }
  }
  return true;
}

}  // namespace taskfs::exec
