// The catalog: what a task library declares, in a form the daemon can hold
// without loading the library (the worker sends it over a pipe).
#pragma once

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taskfs/value.hpp"

namespace taskfs {

// A param: name, type (the default's), default, and integer range.
struct ParamInfo {
  std::string name;
  Value default_value;
  std::int64_t int_min = 0;
  std::uint64_t int_max = 0;  // unsigned, to hold an unsigned 64-bit param's range

  ParamType type() const { return type_of(default_value); }

  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, default_value, int_min, int_max);
  }
};

// A task as the engine sees it.
// (The small members are together: no padding after each, in a catalog of
// 100,000 tasks.)
struct TaskInfo {
  std::string name;
  std::vector<std::string> inputs;  // upstream task names, in argument order
  std::vector<ParamInfo> params;    // in argument order
  double timeout_seconds = 0;       // .timeout(): 0 when the task sets none
  std::string fingerprint;          // the code fingerprint, hex
  std::string output_type;
  // .each(tf::glob(...)): runs once per file matching this pattern.
  std::string each_glob;
  // .each(tf::files(...)) / .each(tf::file_list(...)): once per file listed.
  std::optional<FileList> each_list;
  std::string source_file;
  int source_line = 0;
  bool nocache = false;
  bool collection = false;  // returns a tf::List or tf::Dict, or .each: a directory (SPEC 6)
  // .each(task): runs once per element of inputs[0]'s collection.
  bool each_upstream = false;

  const ParamInfo* find_param(std::string_view param) const;
  // Runs once per element of a source (.each, SPEC 6).
  bool each() const { return each_upstream || each_files(); }
  // Runs once per input file (.each of a glob or a file list): its function
  // takes a tf::File, whose path it can read.
  bool each_files() const { return !each_glob.empty() || each_list.has_value(); }

  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, inputs, params, nocache, timeout_seconds, fingerprint, output_type, collection,
       each_upstream, each_glob, each_list, source_file, source_line);
  }
};

// Every task of a library, checked: unique names, known inputs, no cycles.
class Catalog {
 public:
  Catalog() = default;
  // Throws std::runtime_error naming the problem when the tasks are inconsistent.
  explicit Catalog(std::vector<TaskInfo> tasks);
  // Moved, never copied: a library's catalog may hold 100,000 tasks.
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;
  Catalog(Catalog&&) = default;
  Catalog& operator=(Catalog&&) = default;

  const std::vector<TaskInfo>& tasks() const { return tasks_; }
  // nullptr when no task has that name.
  const TaskInfo* find(std::string_view name) const;
  // The task and everything upstream of it, each after its inputs.
  std::vector<const TaskInfo*> closure(std::string_view name) const;

 private:
  // The position in tasks_ of the task named `name`, or tasks_.size().
  std::size_t position(std::string_view name) const;

  // Flat arrays rather than a map and a vector a task: a library of 100,000
  // tasks keeps them as long as it is loaded (a node-based map took 56 bytes a task).
  std::vector<TaskInfo> tasks_;          // in dependency order: inputs first
  std::vector<std::uint32_t> by_name_;   // positions in tasks_, sorted by name
  std::vector<std::uint32_t> input_at_;  // task i's inputs: inputs_[input_at_[i]..input_at_[i+1])
  std::vector<std::uint32_t> inputs_;    // positions in tasks_, in argument order
};

// The tasks as bytes, to keep a catalog in the store; decoding throws
// cereal::Exception on bytes that are not a catalog.
std::string encode_tasks(const std::vector<TaskInfo>& tasks);
std::vector<TaskInfo> decode_tasks(std::string_view bytes);

}  // namespace taskfs
