// The plan of one read: the target task's upstream closure with every param
// fixed by defaults and the path's overrides.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/catalog.hpp"
#include "taskfs/value.hpp"

namespace taskfs {

// One task of a plan with its param values (in the task's param order).
struct PlanNode {
  const TaskInfo* task = nullptr;
  std::vector<Value> params;
  std::vector<std::size_t> inputs;  // indices of the upstream nodes, in argument order
  std::string variant;              // canonical variant of this node's own file

  // True when param `i`'s value came from the path rather than the task code
  // (it differs from the default): a reader chose it, so it is not trusted.
  bool from_path(std::size_t i) const { return params[i] != task->params[i].default_value; }
};

// Nodes in dependency order; the target is the last.
struct Plan {
  std::vector<PlanNode> nodes;

  const PlanNode& target() const { return nodes.back(); }
  // "task/variant", the canonical path of the target.
  std::string canonical_path() const;
};

// Resolves `variant` of `task` against the catalog. Throws spec::PathError:
// ENOENT for an unknown task or param, or a task not upstream of `task`;
// EINVAL for a value that does not parse or a param given twice.
Plan make_plan(const Catalog& catalog, std::string_view task, std::string_view variant);

// Resolves "task" or "task/variant".
Plan make_plan_for_path(const Catalog& catalog, std::string_view path);

}  // namespace taskfs
