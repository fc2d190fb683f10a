// The bytes of the large-output task, shared by the task library that makes them
// and the tests that check them.
#pragma once

#include <cstddef>
#include <string>

namespace fs_tasks {

inline constexpr std::size_t kMiB = std::size_t{1} << 20;

// `bytes` bytes of numbered lines, so that any misplaced range shows.
inline std::string big_text(std::size_t bytes) {
  std::string text;
  text.reserve(bytes + 32);
  for (std::size_t line = 0; text.size() < bytes; ++line) {
    text += "line " + std::to_string(line) + " of the big result\n";
  }
  text.resize(bytes);
  return text;
}

}  // namespace fs_tasks
