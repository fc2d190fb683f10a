// Engine::Computation: one compute() call walking its plan (engine/compute.cpp),
// shared with the .each steps (engine/each_run.cpp, engine/each_part.cpp).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/engine.hpp"
#include "engine/release_memory.hpp"

namespace taskfs {

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
