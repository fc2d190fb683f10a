// The type-erased form of a declared task, as a task library registers it.
// The worker process reads these through TASKFS_REGISTRY_ENTRY; the daemon only
// ever sees the serializable catalog built from them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "taskfs/value.hpp"

namespace taskfs::detail {

// One declared param: its name, type, default, and for integers the range of
// the C++ type the function takes.
struct ParamDecl {
  std::string name;
  Value default_value;
  std::int64_t int_min = 0;
  std::uint64_t int_max = 0;
};

// How the file view of a result is made from its serialized value: either a
// suffix of the serialized bytes (strings and byte vectors, no copy) or text.
struct RenderedView {
  bool is_value_suffix = false;
  std::size_t suffix_offset = 0;
  std::string text;
};

// What one call of a task's function produced: the serialized value (what
// dependents receive) and its file view.
struct Invocation {
  std::string value;
  RenderedView view;
};

// Every task handle derives from this, so that inputs can be named lazily: a
// task declared in another source file may not be initialized yet when a
// dependent is declared, but it is by the time the catalog is read.
struct TaskHandleBase {
  std::string name;
};

// Everything about one declared task: what it takes, how to call it.
struct TaskDef {
  std::string name;
  // Upstream tasks, in the order the function takes them.
  std::vector<const TaskHandleBase*> inputs;
  std::vector<ParamDecl> params;
  // Per input argument, how many of `inputs` it takes: 1 for .input(), the
  // vector's size for .inputs().
  std::vector<std::size_t> input_widths;
  bool nocache = false;
  // Seconds a run may last before its worker is killed (0: no limit of its own).
  double timeout_seconds = 0;
  std::string version;
  // The function's source text (from TASKFS_FN) and the build-time fingerprint
  // of the rest of its source file and the project headers it includes.
  std::string function_text;
  std::string source_fingerprint;
  std::string source_file;
  int source_line = 0;
  std::string output_type;
  // Deserializes the upstream values, calls the function, serializes and
  // renders its result.
  std::function<Invocation(const std::vector<std::string_view>& upstream,
                           const std::vector<Value>& params)>
      invoke;
};

// All tasks one library declares.
struct Registry {
  std::vector<TaskDef> tasks;
};

// The registry of the library being built. Hidden, so that every task library
// (and the process that loads it) keeps its own.
__attribute__((visibility("hidden"))) inline Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace taskfs::detail

// The entry point a task library exports; taskfs_add_tasks links it in. Its
// name carries the layout version of the structures above: a library built
// against another layout is refused with a message, not loaded into a crash.
#define TASKFS_REGISTRY_ENTRY taskfs_registry_v5
#define TASKFS_REGISTRY_ENTRY_NAME "taskfs_registry_v5"
extern "C" const taskfs::detail::Registry* TASKFS_REGISTRY_ENTRY();
