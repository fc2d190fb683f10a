// Listing a directory held open, without following any name to it again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sys/fd.hpp"

namespace taskfs {

// The names in the directory `dir` (taken over and closed), "." and ".."
// left out, in no particular order. nullopt, with errno set, when `dir` owns
// nothing or is not a directory that can be read.
std::optional<std::vector<std::string>> entry_names(Fd dir);

}  // namespace taskfs
