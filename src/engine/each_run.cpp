// Engine::run_each: an .each node whose whole result is not cached (SPEC 6).
// Each element of its source has its own key (code, params, other inputs, the
// element's content): cached elements are served, missing ones run as
// separate worker runs, in parallel on the pool. Once every element is there,
// the engine seals their results into the collection that is the node's
// result, under the whole's key (made of the source's names and hashes), so
// that a cached whole is one lookup.
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "clock.hpp"
#include "engine/computation.hpp"
#include "engine/engine.hpp"
#include "engine/node_key.hpp"

namespace taskfs {
namespace {

// Elements of an upstream collection read per store query.
constexpr std::size_t kElementPage = 4096;

}  // namespace

// One .each node being computed, element by element.
struct Engine::EachRun {
  Hash128 key;  // the whole's
  std::string task;
  std::string variant;
  std::vector<Provenance> provenance;
  double started = 0;
  std::vector<std::string> names;
  std::mutex mutex;
  std::vector<ResultInfo> results;  // per element, once done
  std::size_t pending = 0;          // elements not done yet
  std::optional<Outcome> failure;   // the first element that failed
  // The elements' results, kept from eviction until they are sealed.
  std::vector<PinTable::Pin> pins;
};

std::vector<EachElement> Engine::upstream_elements(const ResultInfo& upstream) {
  std::optional<CollectionInfo> collection = store_.find_collection(upstream.value_hash);
  if (!collection) throw std::runtime_error("the elements of its source are not in the store");
  std::vector<EachElement> out;
  while (out.size() < collection->size) {
    std::vector<ElementInfo> page = store_.elements(*collection, out.size(), kElementPage);
    if (page.empty()) throw std::runtime_error("the store lacks elements of its source");
    for (auto& element : page) {
      bool stored_inline = element.stored_inline.has_value();
      out.push_back({std::move(element.name), element.result.value_hash, {}, {}, stored_inline});
    }
  }
  return out;
}

void Engine::run_each(const std::shared_ptr<Computation>& c, std::size_t i, NodeKey whole) {
  const PlanNode& node = c->request->plan.nodes[i];
  Hash128 key = whole.key;
  {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = flights_.try_emplace(key);
    it->second.waiters.push_back([this, c, i](const Outcome& o) { node_done(c, i, o); });
    if (!fresh) return;  // the same collection is under way: wait for it
  }
  auto run = std::make_shared<EachRun>();
  run->key = key;
  run->task = node.task->name;
  run->variant = node.variant;
  run->provenance = provenance_of(node, whole);
  run->started = epoch_seconds();
  std::vector<NodeKey> keys;
  try {
    if (node.task->each_upstream) whole.elements = upstream_elements(*c->results[node.inputs[0]]);
    for (const auto& element : whole.elements) keys.push_back(element_key(node, whole, element));
  } catch (const std::exception& e) {
    return finish_flight(key, {false, "task '" + run->task + "' failed: " + e.what(), key, {}});
  }
  for (const auto& element : whole.elements) run->names.push_back(element.name);
  run->results.resize(keys.size());
  run->pending = keys.size();
  nodes_planned_ += keys.size();  // progress of `taskfs run` counts elements
  if (keys.empty()) return seal_each(run);
  std::vector<Hash128> wanted;
  for (const auto& k : keys) wanted.push_back(k.key);
  std::unordered_set<Hash128> missing = prefetch(wanted);
  exec::WorkerPool::Gathering gathering(*pool_);  // the missing elements go out in batches
  for (std::size_t k = 0; k < keys.size(); ++k) {
    Hash128 element = keys[k].key;
    if (whole.elements[k].missing) {
      each_element_done(run, k, {false, no_such_file(node, whole.elements[k]), element});
      continue;
    }
    std::optional<ResultInfo> hit;
    try {
      if (!missing.contains(element)) hit = lookup(element);
    } catch (const std::exception& e) {  // a damaged or unreadable store
      each_element_done(run, k, {false, "task '" + run->task + "': store: " + e.what(), element});
      continue;
    }
    if (hit) {
      each_element_done(run, k, {true, {}, element, *hit});
      continue;
    }
    exec::RunRequest request = run_request(node, std::move(keys[k]));
    try {
      if (node.task->each_upstream) {
        pass_inline_element(request, whole.upstream.at(0).hash, whole.elements[k]);
      }
    } catch (const std::exception& e) {  // a damaged or unreadable store
      each_element_done(run, k, {false, "task '" + run->task + "': store: " + e.what(), element});
      continue;
    }
    run_once(element, std::move(request),
             [this, run, k](const Outcome& outcome) { each_element_done(run, k, outcome); });
  }
}

std::string Engine::no_such_file(const PlanNode& node, const EachElement& element) {
  const auto& list_file = node.task->each_list ? node.task->each_list->list_file() : std::nullopt;
  return "task '" + node.task->name + "': input file '" + element.path + "'" +
         (list_file ? " (listed in '" + *list_file + "')" : "") + " does not exist";
}

void Engine::pass_inline_element(exec::RunRequest& run, const Hash128& source,
                                 const EachElement& element) {
  if (!element.stored_inline) return;
  std::optional<CollectionInfo> collection = store_.find_collection(source);
  std::optional<ElementInfo> row;
  if (collection) row = store_.find_element(*collection, element.name);
  if (!row || !row->stored_inline) {
    throw std::runtime_error("the store lacks element '" + element.name + "' of its source");
  }
  run.first_upstream_inline = true;
  run.first_upstream_value = std::move(row->stored_inline->value);
}

void Engine::each_element_done(const std::shared_ptr<EachRun>& run, std::size_t k,
                               const Outcome& outcome) {
  {
    std::lock_guard lock(run->mutex);
    ++nodes_done_;
    if (outcome.ok) {
      run->results[k] = outcome.result;
      run->pins.push_back(pin(outcome.result));
    } else if (!run->failure) {
      // The other elements go on: what they compute is cached for the next read.
      run->failure = outcome;
      run->failure->key = run->key;
      run->failure->error += " (element '" + run->names[k] + "')";
    }
    if (--run->pending > 0) return;
  }
  if (run->failure) return finish_flight(run->key, *run->failure);
  seal_each(run);
}

void Engine::seal_each(const std::shared_ptr<EachRun>& run) {
  Outcome outcome{false, {}, run->key, {}};
  try {
    std::vector<SealedElement> elements;
    elements.reserve(run->names.size());
    for (std::size_t k = 0; k < run->names.size(); ++k) {
      elements.push_back({run->names[k], run->results[k]});
    }
    NewResult whole{run->key,
                    run->task,
                    run->variant,
                    true,
                    run->provenance,
                    run->started,
                    epoch_seconds() - run->started};
    whole.record_run = false;  // its elements' runs are recorded, each on its own
    outcome.result = store_.seal_elements(whole, elements);
    outcome.ok = true;
    std::lock_guard lock(mutex_);
    known_.emplace(run->key, outcome.result);
  } catch (const std::exception& e) {
    outcome.error = "task '" + run->task + "': cannot store its collection: " + e.what();
  }
  finish_flight(run->key, outcome);
  if (outcome.ok) keep_in_bounds(outcome.result, true);
}

}  // namespace taskfs
