// A pool of persistent worker processes, one runner thread each, fed from one
// queue. A runner sends its worker the jobs queued as a batch (a few, see
// take_batch), whose runs the worker makes one after the other. A worker
// that dies fails only the run it was making, and is replaced; the other
// runs of its batch are queued again.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "exec/worker_process.hpp"
#include "store/task_log.hpp"

namespace taskfs::exec {

// A task that a worker is running now.
struct RunningJob {
  std::string task;
  std::string variant;
  double started = 0;  // seconds since the epoch
};

// Where the pool keeps what tasks print: each run's log, its last
// `max_size` bytes (see TaskLogs).
struct RunLogging {
  const TaskLogs* logs = nullptr;  // none: the output is read and dropped
  std::uint64_t max_size = 0;
};

class WorkerPool {
 public:
  using Done = std::function<void(const RunReply&)>;

  // Starts `size` runner threads; workers are spawned when first needed.
  WorkerPool(WorkerConfig config, int size, RunLogging logging = {});
  // Stops the runners (see shutdown()).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a request. `done` runs on a runner thread, with reply.error set if
  // the task failed in any way; after shutdown() it runs at once, failed.
  // The worker refuses a request whose fingerprint its library no longer has.
  void submit(RunRequest request, Done done);
  // Stops the jobs whose task and variant `which` picks: queued ones fail at
  // once, running ones when their worker (killed with its process group)
  // is gone; either way with reply.error "cancelled". Returns how many.
  std::size_t cancel(
      const std::function<bool(const std::string& task, const std::string& variant)>& which);
  // Kills running workers, joins the runners, then fails every queued job:
  // all `done` callbacks have run when it returns. Idempotent.
  void shutdown();
  // Starts a worker on the library as it is now and returns what the library
  // declares; throws std::runtime_error saying why it cannot be loaded. The
  // worker is kept for the generation the next set_generation() names. Waits
  // for the worker without holding the pool's lock: jobs go on meanwhile.
  std::vector<TaskInfo> read_library();
  // The library was reloaded: workers of older generations are replaced before
  // their next job. With `reuse_reader`, the worker of the last read_library()
  // serves the first runner; else it is dropped.
  void set_generation(std::uint64_t generation, bool reuse_reader);

  // Holds the runners back while several jobs are submitted at once (the
  // leaves of a plan, the elements of an .each), so that they go out in
  // batches rather than one by one: the runners wake when it goes, and
  // every kMaxBatch jobs meanwhile.
  class Gathering {
   public:
    explicit Gathering(WorkerPool& pool);
    ~Gathering();
    Gathering(const Gathering&) = delete;
    Gathering& operator=(const Gathering&) = delete;

   private:
    WorkerPool& pool_;
  };

  std::vector<RunningJob> running() const;
  std::size_t queued() const;

 private:
  struct Job {
    RunRequest request;
    Done done;
    // Sent in a batch of its own: its last batch's worker died while no run
    // was under way (storing results), so which run killed it is not known.
    bool alone = false;
    bool cancelled = false;  // by cancel() while in a runner's batch
  };
  struct Runner {
    std::unique_ptr<WorkerProcess> worker;
    std::uint64_t generation = 0;
    // The jobs sent to `worker` (or about to be), the runs of them over, and
    // those replied to; the run under way is batch[ended].
    std::vector<Job> batch;
    std::size_t ended = 0;
    std::size_t replied = 0;
    double run_started = 0;  // of batch[ended], seconds since the epoch
    // The worker running `batch`, for shutdown() and cancel() to kill.
    WorkerProcess* busy = nullptr;
    // cancel() killed the worker: the run under way is not to blame, unless
    // it was cancelled itself.
    bool killed_by_cancel = false;
  };
  class BatchProgress;

  void run_loop(std::size_t index);
  // Moves the next jobs of the queue into `runner`'s batch: a share of the
  // queue (so that every worker gets some), at most kMaxBatch, and about
  // kBatchWork of expected work. REQUIRES: mutex_ held, the queue not empty.
  void take_batch(Runner& runner);
  static RunReply shutting_down();
  static RunReply cancelled();
  // Runs the runner's batch and calls each job's `done`.
  void execute(Runner& runner);
  // Readies the runner's worker; an error when there is none to run on.
  std::optional<std::string> ready_worker(Runner& runner);
  // The runner's worker died (or was killed) with `why` after `replied`
  // replies: the run under way fails, the others go back to the queue.
  void batch_died(Runner& runner, const std::string& why);
  // Each reply's run time, smoothed: what a run is expected to take.
  void note_run_seconds(double seconds);

  WorkerConfig config_;
  RunLogging logging_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::vector<Runner> runners_;
  std::uint64_t generation_ = 0;
  std::unique_ptr<WorkerProcess> spare_;      // loaded for generation_, not yet used
  std::unique_ptr<WorkerProcess> candidate_;  // from read_library(), for the next generation
  // What a run is expected to take (see note_run_seconds); before any run
  // is known, an eighth of a batch's work: the first batches are small.
  double typical_run_seconds_;
  int gathering_ = 0;  // Gathering objects alive
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace taskfs::exec
