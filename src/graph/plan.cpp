#include "graph/plan.hpp"

#include <cerrno>
#include <map>

#include "spec/value_text.hpp"
#include "spec/variant.hpp"

namespace taskfs {
namespace {

using spec::PathError;

// Overridden values per task, typed and checked, defaults dropped.
using TypedOverrides = std::map<std::string, std::map<std::string, Value>>;

TypedOverrides check_overrides(const Catalog& catalog, const std::vector<const TaskInfo*>& closure,
                               std::string_view target,
                               const std::vector<spec::Override>& overrides) {
  TypedOverrides typed;
  std::map<std::string, std::map<std::string, Value>> given;
  for (const auto& o : overrides) {
    const TaskInfo* task = catalog.find(o.task);
    if (task == nullptr) throw PathError(ENOENT, "unknown task '" + o.task + "'");
    bool upstream = false;
    for (const TaskInfo* t : closure) upstream = upstream || t == task;
    if (!upstream) {
      throw PathError(ENOENT, "task '" + o.task + "' is not upstream of '" + std::string(target) +
                                  "', so its params cannot be set here");
    }
    const ParamInfo* param = task->find_param(o.param);
    if (param == nullptr) {
      throw PathError(ENOENT, "task '" + o.task + "' has no param '" + o.param + "'");
    }
    auto parsed = spec::parse_value(param->type(), o.value, param->int_min, param->int_max);
    if (!parsed.error.empty()) {
      throw PathError(EINVAL, "bad value for " + o.task + "." + o.param + " (" +
                                  std::string(spec::type_name(param->type())) +
                                  "): " + parsed.error);
    }
    auto [it, fresh] = given[o.task].emplace(o.param, parsed.value);
    if (!fresh && it->second != parsed.value) {
      throw PathError(EINVAL, o.task + "." + o.param + " is given twice with different values");
    }
    if (parsed.value != param->default_value) typed[o.task][o.param] = parsed.value;
  }
  return typed;
}

std::string canonical_variant(const TaskInfo& own, const std::vector<const TaskInfo*>& closure,
                              const TypedOverrides& typed) {
  spec::OverrideMap text;
  for (const TaskInfo* t : closure) {
    auto it = typed.find(t->name);
    if (it == typed.end()) continue;
    for (const auto& [param, value] : it->second) text[t->name][param] = spec::format_value(value);
  }
  return spec::format_variant(own.name, text);
}

}  // namespace

std::string Plan::canonical_path() const { return target().task->name + "/" + target().variant; }

Plan make_plan(const Catalog& catalog, std::string_view task, std::string_view variant) {
  const TaskInfo* target = catalog.find(task);
  if (target == nullptr) throw PathError(ENOENT, "unknown task '" + std::string(task) + "'");
  auto closure = catalog.closure(task);
  TypedOverrides typed =
      check_overrides(catalog, closure, task, spec::parse_variant(task, variant));

  Plan plan;
  plan.nodes.reserve(closure.size());  // exactly: a plan may be kept long (Engine::resolve)
  std::map<std::string_view, std::size_t> index;
  for (const TaskInfo* t : closure) {
    PlanNode node;
    node.task = t;
    auto overrides = typed.find(t->name);
    for (const auto& p : t->params) {
      const Value* v = &p.default_value;
      if (overrides != typed.end()) {
        if (auto o = overrides->second.find(p.name); o != overrides->second.end()) v = &o->second;
      }
      node.params.push_back(*v);
    }
    for (const auto& input : t->inputs) node.inputs.push_back(index.at(input));
    node.variant = typed.empty() ? std::string(spec::kDefaultVariant)
                                 : canonical_variant(*t, catalog.closure(t->name), typed);
    index.emplace(t->name, plan.nodes.size());
    plan.nodes.push_back(std::move(node));
  }
  return plan;
}

Plan make_plan_for_path(const Catalog& catalog, std::string_view path) {
  spec::TaskPath split = spec::split_path(path);
  return make_plan(catalog, split.task, split.variant);
}

}  // namespace taskfs
