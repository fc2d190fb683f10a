// A loaded task library, inside a worker process only: the daemon never runs
// task code, not even static initializers.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "graph/catalog.hpp"
#include "taskfs/detail/task_def.hpp"

namespace taskfs {

// A declared task and its code fingerprint, worked out once at load.
struct LoadedTask {
  const detail::TaskDef* def = nullptr;
  std::string fingerprint;
};

class TaskLibrary {
 public:
  // dlopens the library. Throws std::runtime_error with dlerror()'s reason.
  explicit TaskLibrary(const std::string& path);
  TaskLibrary(const TaskLibrary&) = delete;
  TaskLibrary& operator=(const TaskLibrary&) = delete;

  // The declared tasks as the engine sees them, fingerprints computed.
  std::vector<TaskInfo> catalog() const;
  // nullptr when the library declares no such task.
  const LoadedTask* find(const std::string& name) const;
  // Where the library's collections find the worker's store (SPEC 6).
  detail::CollectionHooks& collection_hooks() const { return registry_->collections; }

 private:
  // Never dlclosed: task code's static destructors run when the worker exits.
  void* handle_ = nullptr;
  const detail::Registry* registry_ = nullptr;
  std::unordered_map<std::string, LoadedTask> tasks_;  // by name
};

}  // namespace taskfs
