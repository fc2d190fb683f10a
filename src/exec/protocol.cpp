#include "exec/protocol.hpp"

#include <stdexcept>

#include "sys/io.hpp"

namespace taskfs::exec {
namespace {

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
  body.resize(n);
  if (got < sizeof n || read_full(fd, body.data(), n, kPipe) < n) {
    throw std::runtime_error("worker pipe closed in the middle of a message");
  }
  return true;
}

}  // namespace taskfs::exec
