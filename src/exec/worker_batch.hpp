// The worker's side of a RunBatch (the taskfs-worker program): its runs one
// after the other, each with its output captured and followed by the run-end
// mark, and their results stored a few runs at a time, in one transaction
// each time, before their replies go.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/protocol.hpp"
#include "exec/stored_collections.hpp"
#include "exec/stored_result.hpp"
#include "plugin/task_library.hpp"
#include "store/key_lock.hpp"
#include "store/store.hpp"

namespace taskfs::exec {

// A NUL and 15 random bytes, which no task prints by chance: a worker's
// run-end mark.
std::string make_run_end_mark();

class BatchRunner {
 public:
  // Runs tasks of `library` with the store in `store_dir` (opened at the
  // first run), ending each run's output with `run_end_mark`.
  BatchRunner(TaskLibrary& library, std::string store_dir, std::string run_end_mark);
  BatchRunner(const BatchRunner&) = delete;
  BatchRunner& operator=(const BatchRunner&) = delete;

  // Runs the batch's runs in order and sends their replies (RunReplies) as
  // their results are stored. A task that throws fails its own run only.
  void run(const RunBatch& batch);

 private:
  // The worker's own stdout and stderr (the coordinator's log), kept aside
  // while a task prints to the output pipe.
  struct OwnOutput {
    int out;
    int err;
    OwnOutput();
  };
  // The worker's store and the collections task code makes in it.
  struct Stores {
    explicit Stores(const std::string& dir) : store(dir), collections(store) {}
    Store store;
    StoredCollections collections;
  };
  // A run that is over, whose reply waits for its result to be stored.
  struct Finished {
    RunReply reply;
    std::unique_ptr<KeyLock> computing;  // its key, until its result is stored
    std::unique_ptr<StoredResult> result;
    std::optional<ResultToStore> to_store;  // the value written into `result`
  };

  // A cached run's key, taken before the batch's runs start (if no one else
  // held it), and what the store held under it then.
  struct KeyAhead {
    std::unique_ptr<KeyLock> lock;
    std::optional<ResultInfo> stored;
  };

  void open_store();
  // Takes the keys of the batch's cached runs that no one else holds, and
  // looks them up in one read transaction.
  void take_keys_ahead(const RunBatch& batch);
  void run_task(const RunRequest& request, std::size_t index, Finished& run);
  // Holds the key of run `index` for this process (run.computing) and
  // returns what the store holds under it. When another process holds it,
  // first stores what is pending and lets the keys taken ahead go: a
  // process never waits for one key while holding others, so two batches
  // never wait for each other.
  std::optional<ResultInfo> hold_key(std::size_t index, const Hash128& key, Finished& run);
  // Stores the pending results in one transaction, then sends their replies.
  void store_pending();

  TaskLibrary& library_;
  std::string store_dir_;
  std::string run_end_mark_;
  const OwnOutput own_;
  std::unique_ptr<Stores> stores_;
  std::vector<KeyAhead> ahead_;  // by run of the batch
  std::vector<Finished> pending_;
  std::chrono::steady_clock::time_point pending_since_;
};

}  // namespace taskfs::exec
