// The cache key of a task run (SPEC section 4): XXH3-128 over the task's name,
// its code fingerprint, its typed param values, the content hash of each
// upstream result, and the path and content hash of each input file.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graph/catalog.hpp"
#include "key/hash.hpp"
#include "taskfs/value.hpp"

namespace taskfs {

// A named content hash: an upstream result or an input file.
struct NamedHash {
  std::string name;
  Hash128 hash;
};

struct KeyInputs {
  const TaskInfo* task = nullptr;
  const std::vector<Value>* params = nullptr;  // in the task's param order
  std::vector<NamedHash> upstream;             // task name, result content hash
  std::vector<NamedHash> files;                // path, file content hash
  // For one element of an .each task (SPEC 6): its name when its function
  // sees it (a file's path, which it may read), else "" (an upstream
  // collection's element: renaming it re-runs nothing). The element's own
  // content is among `upstream` or `files`.
  std::optional<std::string> element;
};

Hash128 cache_key(const KeyInputs& inputs);

}  // namespace taskfs
