// Reading and writing whole files in tests, shared by the engine and the
// filesystem suites.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace taskfs::test {

// The bytes of `path`; "" when it cannot be read (e.g. /proc of a process gone).
inline std::string read_file_or_empty(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The bytes of `path`; throws when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  if (!std::ifstream(path)) throw std::runtime_error("cannot read " + path.string());
  return read_file_or_empty(path);
}

// Replaces the bytes of `path` (truncating it), creating its directory.
inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace taskfs::test
