// What the store tests expect of a directory that is not a usable store.
#pragma once

#include <filesystem>
#include <string>

#include "store/store.hpp"

namespace taskfs::test {

// The message of the StoreError opening `dir` throws, or "" if it opens.
inline std::string store_refusal(const std::filesystem::path& dir) {
  try {
    Store store(dir);
  } catch (const StoreError& e) {
    return e.what();
  }
  return "";
}

}  // namespace taskfs::test
