// Engine::compute: walking a plan. A node's key is worked out once its inputs
// are done; a hit is served from the store, a miss runs once per key.
#include <optional>
#include <utility>
#include <vector>

#include "engine/computation.hpp"
#include "engine/engine.hpp"
#include "engine/node_key.hpp"
#include "log.hpp"
#include "spec/variant.hpp"

namespace taskfs {

namespace {

// The path a computation's failure is remembered under: one element's own
// (an element that fails fails no other), else its target's.
std::string failure_path(const Request& request, const TargetPart& part) {
  std::string path = request.plan.canonical_path();
  if (part.kind == TargetPart::Kind::Element) path += "/" + spec::element_file_name(part.element);
  return path;
}

}  // namespace

void Engine::compute(std::shared_ptr<const Request> request,
                     std::function<void(const Outcome&)> done) {
  compute_part(std::move(request), TargetPart{}, std::move(done));
}

void Engine::compute_part(std::shared_ptr<const Request> request, TargetPart part,
                          std::function<void(const Outcome&)> done) {
  const PlanNode& target = request->plan.target();
  std::string task = target.task->name;
  std::string variant = target.variant;
  compute_once(std::move(request), part,
               [this, task, variant, part, done = std::move(done)](const Outcome& outcome) {
                 if (!outcome.plan_again) return done(outcome);
                 std::shared_ptr<const Request> again;
                 try {
                   again = resolve(task, variant);  // against the rebuilt library
                 } catch (const std::exception& e) {
                   // The rebuilt library no longer has this path: the read fails as it did.
                   log_line(task + "/" + variant + ": not planned again: " + e.what());
                   return done(outcome);
                 }
                 compute_once(std::move(again), part, done);
               });
}

void Engine::compute_once(std::shared_ptr<const Request> request, const TargetPart& part,
                          std::function<void(const Outcome&)> done) {
  auto c = std::make_shared<Computation>();
  const Plan& plan = request->plan;
  c->request = std::move(request);
  c->part = part;
  c->done = std::move(done);
  c->release_memory.nodes = plan.nodes.size();
  nodes_planned_ += plan.nodes.size();
  c->results.resize(plan.nodes.size());
  c->pending.resize(plan.nodes.size());
  c->dependents.resize(plan.nodes.size());
  std::vector<std::size_t> leaves;
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    c->pending[i] = plan.nodes[i].inputs.size();
    for (std::size_t input : plan.nodes[i].inputs) c->dependents[input].push_back(i);
    if (c->pending[i] == 0) leaves.push_back(i);
  }
  // The leaves' keys are known at once: one store query for all of them costs
  // one lock round instead of one per leaf (a wide fan-in has a thousand).
  std::vector<std::optional<NodeKey>> keys;
  std::vector<Hash128> wanted;
  for (std::size_t leaf : leaves) {
    keys.push_back(key_of(c, leaf, Reading::KnownOnly));
    if (keys.back() && !plan.nodes[leaf].task->nocache) wanted.push_back(keys.back()->key);
  }
  std::unordered_set<Hash128> missing = prefetch(wanted);
  exec::WorkerPool::Gathering gathering(*pool_);  // the leaves to run go out in batches
  for (std::size_t k = 0; k < leaves.size(); ++k) {
    if (!keys[k]) continue;
    bool known_missing = missing.contains(keys[k]->key);
    continue_with_key(c, leaves[k], std::move(*keys[k]), known_missing);
  }
}

std::optional<NodeKey> Engine::key_of(const std::shared_ptr<Computation>& c, std::size_t i,
                                      Reading reading) {
  const Plan& plan = c->request->plan;
  const PlanNode& node = plan.nodes[i];
  std::vector<const ResultInfo*> upstream;
  for (std::size_t input : node.inputs) upstream.push_back(&*c->results[input]);
  try {
    std::optional<NodeKey> nk = node_key(plan, node, upstream, digests_, reading);
    if (nk) return nk;
  } catch (const std::exception& e) {
    node_done(c, i, {false, "task '" + node.task->name + "' failed: " + e.what(), {}, {}});
    return std::nullopt;
  }
  // Some input file must be read: never on the caller's thread, which may be
  // a FUSE thread (its request could then not be interrupted).
  hashing_.post([this, c, i](bool stopping) {
    if (stopping) {
      node_done(c, i, {false, "taskfs is shutting down", {}, {}});
      return;
    }
    std::optional<NodeKey> nk = key_of(c, i, Reading::Allowed);
    persist_digests();
    if (nk) continue_with_key(c, i, std::move(*nk));
  });
  return std::nullopt;
}

std::unordered_set<Hash128> Engine::prefetch(const std::vector<Hash128>& keys) {
  std::vector<Hash128> unknown;
  std::uint64_t evictions = 0;
  {
    std::lock_guard lock(mutex_);
    for (const auto& k : keys) {
      if (!known_.contains(k)) unknown.push_back(k);
    }
    evictions = evictions_;
  }
  std::unordered_set<Hash128> missing;
  if (unknown.size() < 2) return missing;
  std::vector<std::optional<ResultInfo>> found = store_.find_results(unknown);
  for (std::size_t k = 0; k < unknown.size(); ++k) {
    if (!found[k]) missing.insert(unknown[k]);
  }
  std::lock_guard lock(mutex_);
  if (evictions != evictions_) return missing;  // some may be gone: looked up one by one
  for (std::size_t k = 0; k < unknown.size(); ++k) {
    if (found[k]) known_.emplace(unknown[k], *found[k]);
  }
  return missing;
}

void Engine::advance(const std::shared_ptr<Computation>& c, std::size_t i) {
  if (auto nk = key_of(c, i, Reading::KnownOnly)) continue_with_key(c, i, std::move(*nk));
}

void Engine::continue_with_key(const std::shared_ptr<Computation>& c, std::size_t i, NodeKey nk,
                               bool missing) {
  const PlanNode& node = c->request->plan.nodes[i];
  if (c->part.kind != TargetPart::Kind::Whole && i + 1 == c->request->plan.nodes.size()) {
    return run_part(c, i, std::move(nk));
  }
  if (!node.task->nocache && !missing) {
    std::optional<ResultInfo> hit;
    try {
      hit = lookup(nk.key);
    } catch (const std::exception& e) {  // a damaged or unreadable store
      node_done(c, i, {false, "task '" + node.task->name + "': store: " + e.what(), nk.key, {}});
      return;
    }
    if (hit) return node_done(c, i, {true, {}, nk.key, *hit});
  }
  if (node.task->each()) return run_each(c, i, std::move(nk));
  Hash128 key = nk.key;
  run_once(key, run_request(node, std::move(nk)),
           [this, c, i](const Outcome& outcome) { node_done(c, i, outcome); });
}

exec::RunRequest Engine::run_request(const PlanNode& node, NodeKey nk) const {
  exec::RunRequest run;
  run.task = node.task->name;
  run.key = nk.key;
  run.fingerprint = node.task->fingerprint;
  run.variant = node.variant;
  run.cache = !node.task->nocache;
  run.timeout_seconds =
      node.task->timeout_seconds > 0 ? node.task->timeout_seconds : options_.task_timeout_seconds;
  run.provenance = provenance_of(node, nk);
  for (std::size_t f = 0; f < nk.files.size(); ++f) {
    run.input_files.push_back(nk.files[f].name);
    run.input_stamps.push_back(nk.stamps[f].text());
  }
  run.params = std::move(nk.params);
  for (const auto& u : nk.upstream) run.upstream.push_back(u.hash);
  return run;
}

void Engine::node_done(const std::shared_ptr<Computation>& c, std::size_t i,
                       const Outcome& outcome) {
  std::vector<std::size_t> ready;
  {
    std::lock_guard lock(c->mutex);
    if (c->finished) return;
    ++nodes_done_;
    if (outcome.ok) c->pins.push_back(pin(outcome.result));
    if (outcome.ok && i + 1 < c->results.size()) {
      c->results[i] = outcome.result;
      for (std::size_t d : c->dependents[i]) {
        if (--c->pending[d] == 0) ready.push_back(d);
      }
    } else {
      c->finished = true;
    }
  }
  if (ready.empty() && (!outcome.ok || i + 1 == c->results.size())) {
    if (!outcome.plan_again) remember(failure_path(*c->request, c->part), outcome);
    c->done(outcome);
    std::lock_guard lock(c->mutex);
    c->pins.clear();
    return;
  }
  // A hit completes its node on this thread, inside advance(): advancing its
  // dependents from here would nest one call per node, and a cached chain of
  // 100,000 tasks would overflow the stack. The outermost node_done of the
  // thread advances what becomes ready, in a loop.
  using Ready = std::vector<std::pair<std::shared_ptr<Computation>, std::size_t>>;
  thread_local Ready* advancing = nullptr;
  if (advancing != nullptr) {
    for (std::size_t d : ready) advancing->emplace_back(c, d);
    return;
  }
  Ready queue;
  for (std::size_t d : ready) queue.emplace_back(c, d);
  advancing = &queue;
  struct Reset {
    ~Reset() { advancing = nullptr; }
  } reset;
  while (!queue.empty()) {
    auto [computation, d] = std::move(queue.back());
    queue.pop_back();
    advance(computation, d);
  }
}

}  // namespace taskfs
