#include "cli/output.hpp"

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <system_error>

#include "sys/io.hpp"

namespace taskfs::cli {

bool write_stdout(std::string_view bytes) {
  try {
    write_all(STDOUT_FILENO, bytes, "writing the output");
  } catch (const std::system_error& e) {
    if (e.code().value() == EPIPE) return false;
    throw;
  }
  return true;
}

bool copy_to_stdout(int fd) {
  constexpr std::size_t kChunk = 1 << 20;
  auto buf = std::make_unique_for_overwrite<char[]>(kChunk);
  while (std::size_t n = read_full(fd, buf.get(), kChunk, "reading the result")) {
    if (!write_stdout(std::string_view(buf.get(), n))) return false;
  }
  return true;
}

}  // namespace taskfs::cli
