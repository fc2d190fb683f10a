#include "graph/catalog.hpp"

#include <algorithm>
#include <cereal/archives/binary.hpp>
#include <functional>
#include <limits>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

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
  if (tasks.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::runtime_error("a library of more than 2^32 tasks");
  }
  tasks_.reserve(order.size());
  for (std::size_t i : order) tasks_.push_back(std::move(tasks[i]));
  by_name_.resize(tasks_.size());
  std::iota(by_name_.begin(), by_name_.end(), 0);
  std::sort(by_name_.begin(), by_name_.end(),
            [&](std::uint32_t a, std::uint32_t b) { return tasks_[a].name < tasks_[b].name; });
  std::size_t edges = 0;
  for (const auto& t : tasks_) edges += t.inputs.size();
  inputs_.reserve(edges);
  input_at_.reserve(tasks_.size() + 1);
  input_at_.push_back(0);
  for (const auto& t : tasks_) {
    for (const auto& input : t.inputs) inputs_.push_back(position(input));
    input_at_.push_back(inputs_.size());
    if (t.each_upstream && (t.inputs.empty() || !tasks_[inputs_[input_at_.end()[-2]]].collection)) {
      throw std::runtime_error("task '" + t.name +
                               "' runs .each element of a task that returns no collection");
    }
  }
}

std::size_t Catalog::position(std::string_view name) const {
  auto it =
      std::lower_bound(by_name_.begin(), by_name_.end(), name,
                       [&](std::uint32_t i, std::string_view n) { return tasks_[i].name < n; });
  return it != by_name_.end() && tasks_[*it].name == name ? *it : tasks_.size();
}

const TaskInfo* Catalog::find(std::string_view name) const {
  std::size_t i = position(name);
  return i == tasks_.size() ? nullptr : &tasks_[i];
}

std::vector<const TaskInfo*> Catalog::closure(std::string_view name) const {
  std::size_t target = position(name);
  if (target == tasks_.size()) return {};
  // tasks_ is in dependency order: walking back from the target sees every
  // task before its inputs.
  std::vector<char> wanted(tasks_.size(), 0);
  wanted[target] = 1;
  std::vector<const TaskInfo*> out;
  for (std::size_t i = target + 1; i-- > 0;) {
    if (!wanted[i]) continue;
    out.push_back(&tasks_[i]);
    for (std::size_t k = input_at_[i]; k < input_at_[i + 1]; ++k) wanted[inputs_[k]] = 1;
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
