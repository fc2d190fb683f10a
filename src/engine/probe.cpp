// What is cached of a plan, computing nothing (lookup, getattr, getxattr,
// why): each node keyed where its upstream results are cached, and looked up.
// A probe that finds the target cached keeps the plan's keys in the request
// (CachedPlan): the next probes of that path re-key only the nodes with input
// files, so a cached graph of 100,000 tasks is not keyed again on every lookup.
#include <utility>

#include "engine/engine.hpp"
#include "engine/node_key.hpp"
#include "engine/release_memory.hpp"

namespace taskfs {

struct CachedPlan {
  std::uint64_t evictions = 0;          // Engine::evictions_ when the walk began
  std::vector<Hash128> keys;            // of each node
  std::vector<std::size_t> file_nodes;  // the nodes whose key is made of input files
};

std::optional<ResultInfo> Engine::lookup(const Hash128& key) {
  std::uint64_t evictions = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto it = known_.find(key); it != known_.end()) return it->second;
    evictions = evictions_;
  }
  std::optional<ResultInfo> found = store_.find_result(key);
  if (found) {
    std::lock_guard lock(mutex_);
    if (evictions == evictions_) known_.emplace(key, *found);
  }
  return found;
}

Engine::CachedWalk Engine::walk_cached(const Plan& plan, Reading reading, bool target_source) {
  std::size_t n = plan.nodes.size();
  CachedWalk walk{std::vector<std::optional<NodeKey>>(n), std::vector<std::optional<ResultInfo>>(n),
                  std::vector<std::string>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    const PlanNode& node = plan.nodes[i];
    std::vector<const ResultInfo*> upstream;
    for (std::size_t input : node.inputs) {
      if (walk.results[input]) upstream.push_back(&*walk.results[input]);
    }
    if (upstream.size() != node.inputs.size()) continue;  // some upstream not cached
    try {
      // Reading::KnownOnly (probes) reads no file: a lookup or stat never waits on one.
      walk.keys[i] = node_key(plan, node, upstream, digests_, reading, target_source || i + 1 < n);
    } catch (const std::exception& e) {
      walk.key_error[i] = e.what();  // an unreadable input file: computing will say why
      continue;
    }
    // No key: an input changed since it was hashed (a read hashes it). A key
    // made of a stand-in hash (Reading::Marked) has no result either.
    if (!node.task->nocache && walk.keys[i] && !stands_in(*walk.keys[i])) {
      walk.results[i] = lookup(walk.keys[i]->key);
    }
  }
  return walk;
}

Probe Engine::probe(const Request& request) {
  if (std::optional<Probe> again = probe_again(request)) return std::move(*again);
  const Plan& plan = request.plan;
  std::uint64_t evictions = 0;
  {
    std::lock_guard lock(mutex_);
    evictions = evictions_;
  }
  ReleaseMemoryAfter release_memory(plan.nodes.size());  // the walk's keys, once probed
  CachedWalk walk = walk_cached(plan, Reading::KnownOnly);
  Probe probe;
  if (walk.keys.back()) probe.key = walk.keys.back()->key;
  if (!plan.target().task->nocache && walk.results.back()) {
    remember_cached(request, walk, evictions);
    probe.state = ResultState::Cached;
    probe.result = walk.results.back();
    return probe;
  }
  std::lock_guard lock(mutex_);
  if (plan.target().task->nocache) {
    probe.state = ResultState::Nocache;
  } else if (probe.key && flights_.contains(*probe.key)) {
    probe.state = ResultState::Running;
  } else if (auto it = failed_.find(plan.canonical_path()); it != failed_.end()) {
    probe.state = ResultState::Failed;
    probe.error = it->second;
  }
  return probe;
}

std::optional<Probe> Engine::probe_again(const Request& request) {
  const Plan& plan = request.plan;
  std::shared_ptr<const CachedPlan> cached;
  ResultInfo target;
  // The upstream results of each node with files, in input order: the same
  // as when it was found, as long as no result was forgotten since.
  std::vector<std::vector<ResultInfo>> upstream;
  {
    std::lock_guard lock(mutex_);
    cached = request.cached;
    if (!cached || cached->evictions != evictions_) return std::nullopt;
    auto known = [&](std::size_t i) { return known_.find(cached->keys[i]); };
    auto found = known(plan.nodes.size() - 1);
    if (found == known_.end()) return std::nullopt;
    target = found->second;
    for (std::size_t i : cached->file_nodes) {
      auto& results = upstream.emplace_back();
      for (std::size_t input : plan.nodes[i].inputs) {
        auto it = known(input);
        if (it == known_.end()) return std::nullopt;
        results.push_back(it->second);
      }
    }
  }
  for (std::size_t k = 0; k < cached->file_nodes.size(); ++k) {
    std::size_t i = cached->file_nodes[k];
    std::vector<const ResultInfo*> inputs;
    for (const ResultInfo& r : upstream[k]) inputs.push_back(&r);
    try {
      std::optional<NodeKey> nk =
          node_key(plan, plan.nodes[i], inputs, digests_, Reading::KnownOnly);
      if (!nk || nk->key != cached->keys[i]) return std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;  // an unreadable input: the walk says why
    }
  }
  Probe probe;
  probe.state = ResultState::Cached;
  probe.key = cached->keys.back();
  probe.result = target;
  return probe;
}

void Engine::remember_cached(const Request& request, const CachedWalk& walk,
                             std::uint64_t evictions) {
  auto cached = std::make_shared<CachedPlan>();
  cached->evictions = evictions;
  cached->keys.reserve(walk.keys.size());
  for (std::size_t i = 0; i < walk.keys.size(); ++i) {
    // A cached target had every node of its plan keyed: its upstream closure.
    if (!walk.keys[i]) return;
    cached->keys.push_back(walk.keys[i]->key);
    if (keyed_with_files(request.plan.nodes[i])) cached->file_nodes.push_back(i);
  }
  std::lock_guard lock(mutex_);
  if (evictions == evictions_) request.cached = std::move(cached);
}

}  // namespace taskfs
