#include "graph/catalog.hpp"

#include <algorithm>
#include <cereal/archives/binary.hpp>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace taskfs {

const ParamInfo* TaskInfo::find_param(std::string_view param) const {
  for (const auto& p : params) {
    if (p.name == param) return &p;
  }
  return nullptr;
}

namespace {

// The layout of an encoded catalog: a store keeps catalogs across versions of
// taskfs, and one of another layout must be read again from its library.
constexpr std::uint32_t kCatalogFormat = 4;

void check_names(const TaskInfo& t) {
  if (t.name.empty() || t.name.find_first_of("/=,:%") != std::string::npos || t.name[0] == '.') {
    throw std::runtime_error(
        "invalid task name '" + t.name +
        "': must be non-empty, not start with '.', and contain none of / = , : %");
  }
  if (!(t.timeout_seconds >= 0)) {  // also NaN
    throw std::runtime_error("task '" + t.name + "' has a negative timeout");
  }
  if (t.each() && t.nocache) {
    throw std::runtime_error("task '" + t.name +
                             "' is .each and .nocache(): each element of an .each task is cached");
  }
  if (t.each_list) {
    bool empty_path = t.each_list->list_file() ? t.each_list->list_file()->empty()
                                               : std::ranges::count(t.each_list->paths(), "") > 0;
    if (empty_path) {
      throw std::runtime_error("task '" + t.name + "' runs .each of an empty file path");
    }
  }
  std::set<std::string_view> seen;
  for (const auto& p : t.params) {
    if (!seen.insert(p.name).second) {
      throw std::runtime_error("task '" + t.name + "' declares param '" + p.name + "' twice");
    }
  }
}

}  // namespace

Catalog::Catalog(std::vector<TaskInfo> tasks) {
  std::unordered_map<std::string_view, std::size_t> by_name;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    check_names(tasks[i]);
    if (!by_name.emplace(tasks[i].name, i).second) {
      throw std::runtime_error("task '" + tasks[i].name + "' is declared twice");
    }
  }
  // Depth-first topological order; a task reached again while on the stack is a cycle.
  enum : char { kUnseen, kOnStack, kDone };
  std::vector<char> state(tasks.size(), kUnseen);
  std::vector<std::size_t> order;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    if (state[i] == kDone) return;
    if (state[i] == kOnStack) {
      throw std::runtime_error("task '" + tasks[i].name + "' depends on itself");
    }
    state[i] = kOnStack;
    for (const auto& input : tasks[i].inputs) {
      auto it = by_name.find(input);
      if (it == by_name.end()) {
        throw std::runtime_error("task '" + tasks[i].name + "' takes the result of unknown task '" +
                                 input + "' (declared in another source file? see README)");
      }
      visit(it->second);
    }
    state[i] = kDone;
    order.push_back(i);
  };
  for (std::size_t i = 0; i < tasks.size(); ++i) visit(i);
  // Reserved: a library of 100,000 tasks would otherwise leave up to twice
  // their room allocated for as long as the catalog lives.
  tasks_.reserve(order.size());
  input_indices_.reserve(order.size());
  for (std::size_t i : order) tasks_.push_back(std::move(tasks[i]));
  index_.reserve(tasks_.size());
  for (std::size_t i = 0; i < tasks_.size(); ++i) index_.emplace(tasks_[i].name, i);
  for (const auto& t : tasks_) {
    std::vector<std::size_t> inputs;
    for (const auto& input : t.inputs) inputs.push_back(index_.at(input));
    if (t.each_upstream && (inputs.empty() || !tasks_[inputs[0]].collection)) {
      throw std::runtime_error("task '" + t.name +
                               "' runs .each element of a task that returns no collection");
    }
    input_indices_.push_back(std::move(inputs));
  }
}

const TaskInfo* Catalog::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tasks_[it->second];
}

std::vector<const TaskInfo*> Catalog::closure(std::string_view name) const {
  auto target = index_.find(name);
  if (target == index_.end()) return {};
  // tasks_ is in dependency order: walking back from the target sees every
  // task before its inputs.
  std::vector<char> wanted(tasks_.size(), 0);
  wanted[target->second] = 1;
  std::vector<const TaskInfo*> out;
  for (std::size_t i = target->second + 1; i-- > 0;) {
    if (!wanted[i]) continue;
    out.push_back(&tasks_[i]);
    for (std::size_t input : input_indices_[i]) wanted[input] = 1;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace taskfs

namespace taskfs {

std::string encode_tasks(const std::vector<TaskInfo>& tasks) {
  std::ostringstream os;
  {
    cereal::BinaryOutputArchive ar(os);
    ar(kCatalogFormat, tasks);
  }
  return std::move(os).str();
}

std::vector<TaskInfo> decode_tasks(std::string_view bytes) {
  std::istringstream is{std::string(bytes)};
  cereal::BinaryInputArchive ar(is);
  std::uint32_t format = 0;
  ar(format);
  if (format != kCatalogFormat) {
    throw std::runtime_error("a catalog of another taskfs (format " + std::to_string(format) + ")");
  }
  std::vector<TaskInfo> tasks;
  ar(tasks);
  return tasks;
}

}  // namespace taskfs
