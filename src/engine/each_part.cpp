// Parts of an .each target (SPEC 6): one element computed on its own (a read
// of one element file), the names of its elements only (a listing), and what
// is cached of it without computing anything (ls -l, user.taskfs.progress).
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/computation.hpp"
#include "engine/engine.hpp"
#include "engine/node_key.hpp"

namespace taskfs {

std::optional<EachElement> Engine::upstream_element(const Hash128& upstream,
                                                    const std::string& name) {
  std::optional<CollectionInfo> collection = store_.find_collection(upstream);
  if (!collection) throw std::runtime_error("the elements of its source are not in the store");
  std::optional<ElementInfo> found = store_.find_element(*collection, name);
  if (!found) return std::nullopt;
  bool stored_inline = found->stored_inline.has_value();
  return EachElement{std::move(found->name), found->result.value_hash, {}, {}, stored_inline};
}

void Engine::run_part(const std::shared_ptr<Computation>& c, std::size_t i, NodeKey whole) {
  const PlanNode& node = c->request->plan.nodes[i];
  const std::string& task = node.task->name;
  if (!node.task->each()) {
    return node_done(c, i, {false, "task '" + task + "' does not run .each element", whole.key});
  }
  const TargetPart& part = c->part;
  const ResultInfo* upstream = node.task->each_upstream ? &*c->results[node.inputs[0]] : nullptr;
  std::optional<EachElement> element;
  try {
    if (part.kind == TargetPart::Kind::Names) {
      Outcome names{true, {}, whole.key, {}};
      if (upstream) whole.elements = upstream_elements(*upstream);
      for (auto& e : whole.elements) names.names.push_back(std::move(e.name));
      return node_done(c, i, names);
    }
    if (upstream) {
      element = upstream_element(upstream->value_hash, part.element);
    } else {
      auto it = std::find_if(whole.elements.begin(), whole.elements.end(),
                             [&](const EachElement& e) { return e.name == part.element; });
      if (it != whole.elements.end()) element = *it;
    }
  } catch (const std::exception& e) {
    return node_done(c, i, {false, "task '" + task + "' failed: " + e.what(), whole.key});
  }
  if (!element) {
    Outcome none{false, "task '" + task + "' has no element '" + part.element + "'", whole.key};
    none.no_element = true;
    return node_done(c, i, none);
  }
  if (element->missing) {
    Outcome none{false, no_such_file(node, *element), whole.key};
    none.no_element = true;  // ENOENT through the mount, like an element it lacks
    return node_done(c, i, none);
  }
  NodeKey nk = element_key(node, whole, *element);
  std::optional<ResultInfo> hit;
  try {
    hit = lookup(nk.key);
  } catch (const std::exception& e) {  // a damaged or unreadable store
    return node_done(c, i, {false, "task '" + task + "': store: " + e.what(), nk.key});
  }
  if (hit) return node_done(c, i, {true, {}, nk.key, *hit});
  Hash128 key = nk.key;
  exec::RunRequest request = run_request(node, std::move(nk));
  try {
    if (upstream) pass_inline_element(request, upstream->value_hash, *element);
  } catch (const std::exception& e) {
    return node_done(c, i, {false, "task '" + task + "': store: " + e.what(), key});
  }
  run_once(key, std::move(request),
           [this, c, i](const Outcome& outcome) { node_done(c, i, outcome); });
}

std::optional<NodeKey> Engine::cached_source(const Request& request, bool elements) {
  const Plan& plan = request.plan;
  const PlanNode& node = plan.target();
  if (!node.task->each()) return std::nullopt;
  CachedWalk walk = walk_cached(plan, Reading::KnownOnly, elements);
  if (!walk.keys.back() || stands_in(*walk.keys.back())) return std::nullopt;
  NodeKey whole = std::move(*walk.keys.back());
  if (elements && node.task->each_upstream) {
    whole.elements = upstream_elements(*walk.results[node.inputs[0]]);
  }
  return whole;
}

std::optional<EachProgress> Engine::each_progress(const Request& request) {
  std::optional<NodeKey> whole = cached_source(request, true);
  if (!whole) return std::nullopt;
  const PlanNode& node = request.plan.target();
  std::vector<Hash128> keys;
  for (const auto& e : whole->elements) keys.push_back(element_key(node, *whole, e).key);
  EachProgress progress{0, keys.size()};
  for (const auto& found : store_.find_results(keys)) progress.cached += found ? 1 : 0;
  return progress;
}

std::optional<std::string> Engine::file_element_path(const TaskInfo& task,
                                                     const std::string& element) {
  if (task.each_list)
    return listed_element_path(*task.each_list, element, digests_, Reading::KnownOnly);
  return glob_element_path(task.each_glob, element);
}

// One element's key without the others': one indexed query for an upstream
// element, one stat for a glob's file (an `ls -l` of n elements costs n, not n^2;
// a file list's is looked up in its list, kept parsed).
std::optional<ResultInfo> Engine::cached_element(const Request& request,
                                                 const std::string& element) {
  std::optional<NodeKey> whole = cached_source(request, false);
  if (!whole) return std::nullopt;
  const PlanNode& node = request.plan.target();
  std::optional<EachElement> found;
  if (node.task->each_upstream) {
    found = upstream_element(whole->upstream.at(0).hash, element);
  } else if (digests_.refresh(); auto path = file_element_path(*node.task, element)) {
    InputLook look;
    try {
      look = digests_.look(*path, false, true, Reading::KnownOnly);
    } catch (const std::exception&) {
      return std::nullopt;  // no such file: no such element, or one that cannot run
    }
    if (look.kind != InputLook::Kind::Hashed) return std::nullopt;
    found = EachElement{element, look.digest.hash, *path, look.digest.stamp};
  }
  if (!found) return std::nullopt;
  return lookup(element_key(node, *whole, *found).key);
}

}  // namespace taskfs
