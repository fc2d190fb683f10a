// Engine::compute: walking a plan. A node's key is worked out once its inputs
// are done; a hit is served from the store, a miss runs once per key.
#include <malloc.h>

#include <optional>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "engine/node_key.hpp"
#include "log.hpp"

namespace taskfs {

namespace {

// glibc keeps freed memory mapped for reuse, so a daemon's RSS would stay at
// what its largest computation ever held (a plan of 100,000 nodes frees
// hundreds of MiB of keys and vectors when it ends). Declared first in a
// Computation, this is destroyed last: once every other member is freed, a
// large computation hands the free pages back to the system.
struct ReleaseMemoryAfter {
  std::size_t nodes = 0;
  ReleaseMemoryAfter() = default;
  ReleaseMemoryAfter(const ReleaseMemoryAfter&) = delete;
  ReleaseMemoryAfter& operator=(const ReleaseMemoryAfter&) = delete;
  ~ReleaseMemoryAfter() {
    constexpr std::size_t kLargePlan = 1000;  // below this the pages are few, and reused soon
    if (nodes >= kLargePlan) ::malloc_trim(0);
  }
};

}  // namespace

// One compute() call walking its plan: a node starts when its inputs are done.
struct Engine::Computation {
  ReleaseMemoryAfter release_memory;  // first: destroyed after everything below
  std::shared_ptr<const Request> request;
  std::function<void(const Outcome&)> done;
  std::mutex mutex;
  std::vector<std::optional<ResultInfo>> results;
  std::vector<std::size_t> pending;  // inputs not yet done, per node
  std::vector<std::vector<std::size_t>> dependents;
  bool finished = false;
  // The results it served, produced or fed to its tasks, kept from eviction
  // until it is done (and its reader has opened the target).
  std::vector<PinTable::Pin> pins;
};

void Engine::compute(std::shared_ptr<const Request> request,
                     std::function<void(const Outcome&)> done) {
  const PlanNode& target = request->plan.target();
  std::string task = target.task->name;
  std::string variant = target.variant;
  compute_once(std::move(request),
               [this, task, variant, done = std::move(done)](const Outcome& outcome) {
                 if (!outcome.plan_again) return done(outcome);
                 std::shared_ptr<const Request> again;
                 try {
                   again = resolve(task, variant);  // against the rebuilt library
                 } catch (const std::exception& e) {
                   // The rebuilt library no longer has this path: the read fails as it did.
                   log_line(task + "/" + variant + ": not planned again: " + e.what());
                   return done(outcome);
                 }
                 compute_once(std::move(again), done);
               });
}

void Engine::compute_once(std::shared_ptr<const Request> request,
                          std::function<void(const Outcome&)> done) {
  auto c = std::make_shared<Computation>();
  const Plan& plan = request->plan;
  c->request = std::move(request);
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
  prefetch(wanted);
  for (std::size_t k = 0; k < leaves.size(); ++k) {
    if (keys[k]) continue_with_key(c, leaves[k], std::move(*keys[k]));
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

void Engine::prefetch(const std::vector<Hash128>& keys) {
  std::vector<Hash128> unknown;
  std::uint64_t evictions = 0;
  {
    std::lock_guard lock(mutex_);
    for (const auto& k : keys) {
      if (!known_.contains(k)) unknown.push_back(k);
    }
    evictions = evictions_;
  }
  if (unknown.size() < 2) return;
  std::vector<std::optional<ResultInfo>> found = store_.find_results(unknown);
  std::lock_guard lock(mutex_);
  if (evictions != evictions_) return;  // some may be gone: looked up one by one
  for (std::size_t k = 0; k < unknown.size(); ++k) {
    if (found[k]) known_.emplace(unknown[k], *found[k]);
  }
}

void Engine::advance(const std::shared_ptr<Computation>& c, std::size_t i) {
  if (auto nk = key_of(c, i, Reading::KnownOnly)) continue_with_key(c, i, std::move(*nk));
}

void Engine::continue_with_key(const std::shared_ptr<Computation>& c, std::size_t i, NodeKey nk) {
  const PlanNode& node = c->request->plan.nodes[i];
  if (!node.task->nocache) {
    std::optional<ResultInfo> hit;
    try {
      hit = lookup(nk.key);
    } catch (const std::exception& e) {  // a damaged or unreadable store
      node_done(c, i, {false, "task '" + node.task->name + "': store: " + e.what(), nk.key, {}});
      return;
    }
    if (hit) return node_done(c, i, {true, {}, nk.key, *hit});
  }
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
  run_once(nk.key, std::move(run),
           [this, c, i](const Outcome& outcome) { node_done(c, i, outcome); });
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
    if (!outcome.plan_again) remember(c->request->plan.canonical_path(), outcome);
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
