#include "exec/protocol.hpp"

#include <algorithm>
#include <stdexcept>

#include "sys/io.hpp"

namespace taskfs::exec {
namespace {

// A frame's body is read in chunks that double, from this size on: a garbled
// length costs memory only as its bytes actually arrive.
constexpr std::size_t kFirstChunk = 64 * 1024;

constexpr const char* kPipe = "worker pipe";

}  // namespace

void write_frame(int fd, const std::string& body) {
  std::uint32_t n = static_cast<std::uint32_t>(body.size());
  std::string frame(reinterpret_cast<const char*>(&n), sizeof n);
  frame += body;
  write_all(fd, frame, kPipe);
}

bool read_frame(int fd, std::string& body) {
  std::uint32_t n = 0;
  std::size_t got = read_full(fd, reinterpret_cast<char*>(&n), sizeof n, kPipe);
  if (got == 0) return false;
  if (got < sizeof n) throw std::runtime_error("worker pipe closed in the middle of a message");
  body.clear();
  while (body.size() < n) {
    std::size_t chunk = std::min<std::size_t>(n - body.size(), std::max(kFirstChunk, body.size()));
    std::size_t at = body.size();
    body.resize(at + chunk);
    if (read_full(fd, body.data() + at, chunk, kPipe) < chunk) {
      throw std::runtime_error("worker pipe closed in the middle of a message");
    }
  }
  return true;
}

}  // namespace taskfs::exec
