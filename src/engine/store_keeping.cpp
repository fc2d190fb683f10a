// Keeping the store in bounds: eviction (taskfs gc, store_max_size), forgetting
// one result (taskfs rm), and the reads that order eviction and that why shows.
#include "engine/store_keeping.hpp"

#include <stdexcept>

#include "engine/engine.hpp"
#include "log.hpp"
#include "store/task_log.hpp"

namespace taskfs {
namespace {

std::uint64_t stored_size(const ResultInfo& result) {
  return result.value_size + (result.view_hash == result.value_hash ? 0 : result.view_size);
}

// A forgotten result's log goes with it (the log of a later run stays).
void forget_logs(const TaskLogs& logs, const Eviction& eviction) {
  for (std::size_t i = 0; i < eviction.keys.size(); ++i) {
    const auto& [task, variant] = eviction.task_variants[i];
    logs.forget_run(task, variant, eviction.keys[i]);
  }
}

}  // namespace

Eviction collect_store(const std::filesystem::path& store_dir, std::uint64_t max_bytes) {
  Store store(store_dir);
  Eviction eviction = store.evict_to(max_bytes, {});
  forget_logs(TaskLogs(store.dir_fd()), eviction);
  return eviction;
}

std::vector<TaskUsage> store_usage(const std::filesystem::path& store_dir) {
  Store store(store_dir);
  return store.usage_by_task();
}

ReadCount Engine::reads_of(const Hash128& key) {
  ReadCount stored = store_.reads_of(key);
  ReadCount pending = reads_.pending(key);
  return {stored.count + pending.count, std::max(stored.last, pending.last)};
}

Eviction Engine::collect(std::optional<std::uint64_t> max_bytes) {
  std::uint64_t limit = max_bytes.value_or(options_.store_max_bytes);
  if (limit == 0) {
    throw std::invalid_argument(
        "no size to keep the store under: give --max-size, or set store_max_size");
  }
  std::lock_guard keeping(keeping_mutex_);
  Eviction eviction = evict_locked(limit);
  log_line("taskfs gc: evicted " + std::to_string(eviction.keys.size()) + " results, " +
           std::to_string(eviction.bytes_before) + " -> " + std::to_string(eviction.bytes_after) +
           " bytes");
  return eviction;
}

Eviction Engine::evict_locked(std::uint64_t max_bytes) {
  reads_.flush();  // the order of eviction is the order of the reads counted so far
  Eviction eviction = store_.evict_to(max_bytes, pins_.pinned());
  forget_known(eviction.keys);
  forget_logs(task_logs_, eviction);
  measured_bytes_ = eviction.bytes_after;
  unmeasured_bytes_ = 0;
  return eviction;
}

Eviction Engine::forget(const Request& request) {
  Probe now = probe(request);
  std::string path = request.plan.canonical_path();
  if (now.state != ResultState::Cached) {
    throw std::runtime_error(path + " is not cached (" + std::string(state_name(now.state)) +
                             "): nothing to forget");
  }
  std::lock_guard keeping(keeping_mutex_);
  Eviction eviction = store_.forget({*now.key}, pins_.pinned());
  forget_known(eviction.keys);
  forget_logs(task_logs_, eviction);
  log_line("forgot " + path + " (taskfs rm)");
  return eviction;
}

void Engine::forget_known(const std::vector<Hash128>& keys) {
  std::lock_guard lock(mutex_);
  ++evictions_;
  for (const auto& key : keys) known_.erase(key);
}

void Engine::keep_in_bounds(const ResultInfo& stored, bool collection) {
  std::uint64_t limit = options_.store_max_bytes;
  if (limit == 0) return;
  unmeasured_bytes_ += stored_size(stored);
  // An eviction under way sees this result or leaves it to the next write.
  std::unique_lock keeping(keeping_mutex_, std::try_to_lock);
  if (!keeping.owns_lock()) return;
  // A collection's elements are blobs of their own, which its result's size
  // (its manifest) leaves out: the store is measured again.
  if (collection) measured_bytes_.reset();
  try {
    if (!measured_bytes_) {
      measured_bytes_ = store_.stored_bytes();
      unmeasured_bytes_ = 0;
    }
    if (*measured_bytes_ + unmeasured_bytes_ <= limit) return;
    Eviction eviction = evict_locked(limit);
    log_line("the store passed store_max_size: evicted " + std::to_string(eviction.keys.size()) +
             " results, " + std::to_string(eviction.bytes_before) + " -> " +
             std::to_string(eviction.bytes_after) + " bytes");
  } catch (const std::exception& e) {
    log_line(std::string("cannot keep the store under store_max_size: ") + e.what());
  }
}

}  // namespace taskfs
