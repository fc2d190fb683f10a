// Collections inside a worker (SPEC 6): the sinks that task code appends to
// and the sources it reads collection arguments from, both over the worker's
// store. The worker installs them as the task library's collection hooks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "key/hash.hpp"
#include "store/store.hpp"
#include "taskfs/detail/task_def.hpp"

namespace taskfs::exec {

// One collection being produced. Elements are stored in batches as they come,
// so memory holds at most one batch; the collection's content hash is made
// from its elements' names and value hashes as they are stored.
class StoredCollectionSink final : public detail::ElementSink {
 public:
  explicit StoredCollectionSink(Store& store);
  void append(std::string name, std::string value, detail::RenderedView view) override;
  // Stores what is left and seals the collection as the value of `result`.
  ResultInfo finish(const NewResult& result);
  // Drops the elements stored so far (a collection the task did not return).
  void discard();

 private:
  void flush();

  Store& store_;
  std::int64_t id_;
  std::uint64_t stored_ = 0;  // elements already in the store
  std::vector<NewElement> batch_;
  std::size_t batch_bytes_ = 0;
  CollectionDigest digest_;
  bool sealed_ = false;
};

// The collections of one worker: installs the hooks, and after each run
// seals the collection the task returned and drops the others it made.
class StoredCollections {
 public:
  explicit StoredCollections(Store& store) : store_(store) {}

  // Points `hooks` at this worker's store. REQUIRES: this outlives their use.
  void install(detail::CollectionHooks& hooks);
  // Seals `returned` (a sink opened through the hooks) as the value of
  // `result`, and drops every other collection the run opened.
  ResultInfo finish_run(const detail::ElementSink* returned, const NewResult& result);
  // Drops every collection the run opened (the task failed).
  void abandon_run();

 private:
  Store& store_;
  std::vector<std::shared_ptr<StoredCollectionSink>> opened_;  // by the current run
};

}  // namespace taskfs::exec
