// The type-erased form of a declared task, as a task library registers it.
// The worker process reads these through TASKFS_REGISTRY_ENTRY; the daemon only
// ever sees the serializable catalog built from them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <streambuf>
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

// Where the elements of a collection being produced go (SPEC 6): in a
// worker, the store.
class ElementSink {
 public:
  virtual ~ElementSink() = default;
  // Stores the element named `name`: its cereal bytes and its file view.
  // Throws when it cannot (a full disk, say).
  virtual void append(std::string name, std::string value, RenderedView view) = 0;
};

// Where the elements of a collection argument are read from, one at a time.
class ElementSource {
 public:
  virtual ~ElementSource() = default;
  virtual std::uint64_t size() const = 0;
  virtual std::string name(std::uint64_t index) const = 0;
  // The cereal bytes of element `index`.
  virtual std::string value(std::uint64_t index) const = 0;
  virtual std::optional<std::uint64_t> index_of(std::string_view name) const = 0;
};

// What the process that runs tasks (the worker) installs so that collections
// reach its store. Empty elsewhere: collections then live in memory.
struct CollectionHooks {
  std::function<std::shared_ptr<ElementSink>()> open_sink;
  // A view over the collection whose stored value is `value`.
  std::function<std::shared_ptr<const ElementSource>(std::string_view value)> open_source;
};

// Where one call of a task's function puts its result: in the worker, a blob
// of the store, written as the value is serialized (no copy of it in memory).
class ResultSink {
 public:
  // The stream the result's cereal bytes (what dependents receive) are
  // written into, once its file view `view` is known. Writing to it throws
  // when the bytes cannot be kept (a full disk, say).
  virtual std::streambuf& value_stream(RenderedView view) = 0;
  // For a collection result instead: the sink its elements went to (they
  // are stored already).
  virtual void collection(std::shared_ptr<ElementSink> elements) = 0;

 protected:
  ~ResultSink() = default;
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
  // The function returns a tf::List or tf::Dict (SPEC 6), or the task runs
  // once per element of a source (.each): its result is a collection.
  bool collection = false;
  // .each(task): the function runs once per element of inputs[0], a task
  // returning a collection, and takes that element as its first argument.
  bool each_upstream = false;
  // .each(tf::glob(...)): the function runs once per file matching this
  // pattern, and takes that file (a tf::File) as its first argument.
  std::string each_glob;
  // .each(tf::files(...)) or .each(tf::file_list(...)): the function runs
  // once per file listed, and takes that file (a tf::File) as its first argument.
  std::optional<FileList> each_list;
  // Deserializes the upstream values, calls the function, and hands its
  // result to `sink`: rendered and serialized into it, or (a collection) the
  // sink its elements went to.
  std::function<void(const std::vector<std::string_view>& upstream,
                     const std::vector<Value>& params, ResultSink& sink)>
      invoke;
};

// All tasks one library declares.
struct Registry {
  std::vector<TaskDef> tasks;
  // Filled by the process that loads the library, which gets the registry as
  // const: hence mutable.
  mutable CollectionHooks collections;
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
#define TASKFS_REGISTRY_ENTRY taskfs_registry_v9
#define TASKFS_REGISTRY_ENTRY_NAME "taskfs_registry_v9"
extern "C" const taskfs::detail::Registry* TASKFS_REGISTRY_ENTRY();
