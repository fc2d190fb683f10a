// Engine::Computation: one compute() call walking its plan (engine/compute.cpp),
// shared with the .each steps (engine/each_run.cpp, engine/each_part.cpp).
#pragma once

#include <malloc.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/engine.hpp"

namespace taskfs {

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

// One compute() call walking its plan: a node starts when its inputs are done.
struct Engine::Computation {
  ReleaseMemoryAfter release_memory;  // first: destroyed after everything below
  std::shared_ptr<const Request> request;
  TargetPart part;  // what it makes of the target
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

}  // namespace taskfs
