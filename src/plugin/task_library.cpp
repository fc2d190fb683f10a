#include "plugin/task_library.hpp"

#include <dlfcn.h>

#include <stdexcept>

#include "graph/type_name.hpp"
#include "key/fingerprint.hpp"

namespace taskfs {

TaskLibrary::TaskLibrary(const std::string& path) {
  handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    throw std::runtime_error("cannot load task library " + path + ": " + ::dlerror());
  }
  using Entry = const detail::Registry* (*)();
  auto entry = reinterpret_cast<Entry>(::dlsym(handle_, TASKFS_REGISTRY_ENTRY_NAME));
  if (entry == nullptr) {
    throw std::runtime_error(
        path + " is not a task library for this taskfs (no " TASKFS_REGISTRY_ENTRY_NAME
               "): build it with taskfs_add_tasks against this version of taskfs");
  }
  registry_ = entry();
  for (const auto& def : registry_->tasks) {
    tasks_[def.name] = {&def,
                        task_fingerprint(def.function_text, def.source_fingerprint, def.version)};
  }
}

std::vector<TaskInfo> TaskLibrary::catalog() const {
  std::vector<TaskInfo> tasks;
  for (const auto& def : registry_->tasks) {
    TaskInfo info;
    info.name = def.name;
    for (const auto* input : def.inputs) info.inputs.push_back(input->name);
    for (const auto& p : def.params) {
      info.params.push_back({p.name, p.default_value, p.int_min, p.int_max});
    }
    info.nocache = def.nocache;
    info.timeout_seconds = def.timeout_seconds;
    info.fingerprint = tasks_.at(def.name).fingerprint;
    info.output_type = readable_type_name(def.output_type);
    info.collection = def.collection;
    info.each_upstream = def.each_upstream;
    info.each_glob = def.each_glob;
    info.each_list = def.each_list;
    info.source_file = def.source_file;
    info.source_line = def.source_line;
    tasks.push_back(std::move(info));
  }
  return tasks;
}

const LoadedTask* TaskLibrary::find(const std::string& name) const {
  auto it = tasks_.find(name);
  return it == tasks_.end() ? nullptr : &it->second;
}

}  // namespace taskfs
