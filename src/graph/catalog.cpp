#include "graph/catalog.hpp"

#include <algorithm>
#include <cereal/archives/binary.hpp>
#include <functional>
#include <map>
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

Catalog::Catalog(std::vector<TaskInfo> tasks) {
  std::map<std::string, const TaskInfo*> by_name;
  for (const auto& t : tasks) {
    if (t.name.empty() || t.name.find_first_of("/=,:%") != std::string::npos || t.name[0] == '.') {
      throw std::runtime_error(
          "invalid task name '" + t.name +
          "': must be non-empty, not start with '.', and contain none of / = , : %");
    }
    if (!by_name.emplace(t.name, &t).second) {
      throw std::runtime_error("task '" + t.name + "' is declared twice");
    }
    std::set<std::string> seen;
    for (const auto& p : t.params) {
      if (!seen.insert(p.name).second) {
        throw std::runtime_error("task '" + t.name + "' declares param '" + p.name + "' twice");
      }
    }
  }
  // Depth-first topological order; a task reached again while on the stack is a cycle.
  std::map<std::string, int> state;  // 1: on stack, 2: done
  std::function<void(const TaskInfo&)> visit = [&](const TaskInfo& t) {
    int& s = state[t.name];
    if (s == 2) return;
    if (s == 1) throw std::runtime_error("task '" + t.name + "' depends on itself");
    s = 1;
    for (const auto& input : t.inputs) {
      auto it = by_name.find(input);
      if (it == by_name.end()) {
        throw std::runtime_error("task '" + t.name + "' takes the result of unknown task '" +
                                 input + "' (declared in another source file? see README)");
      }
      visit(*it->second);
    }
    state[t.name] = 2;
    tasks_.push_back(t);
  };
  for (const auto& t : tasks) visit(t);
  for (std::size_t i = 0; i < tasks_.size(); ++i) index_.emplace(tasks_[i].name, i);
  for (const auto& t : tasks_) {
    std::vector<std::size_t> inputs;
    for (const auto& input : t.inputs) inputs.push_back(index_.at(input));
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
    ar(tasks);
  }
  return std::move(os).str();
}

std::vector<TaskInfo> decode_tasks(std::string_view bytes) {
  std::istringstream is{std::string(bytes)};
  cereal::BinaryInputArchive ar(is);
  std::vector<TaskInfo> tasks;
  ar(tasks);
  return tasks;
}

}  // namespace taskfs
