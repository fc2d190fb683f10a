// A pool of persistent worker processes, one runner thread each, fed from one
// queue. A worker that dies fails only its task and is replaced on the next job.
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

  std::vector<RunningJob> running() const;
  std::size_t queued() const;

 private:
  struct Job {
    RunRequest request;
    Done done;
  };
  struct Runner {
    std::unique_ptr<WorkerProcess> worker;
    std::uint64_t generation = 0;
    std::optional<RunningJob> current;
    // The worker running `current`, for shutdown() and cancel() to kill.
    WorkerProcess* busy = nullptr;
    bool cancelled = false;  // `current` was cancelled: its failure says so
  };

  void run_loop(std::size_t index);
  static RunReply shutting_down();
  static RunReply cancelled();
  RunReply execute(Runner& runner, const Job& job);
  // Runs the request on `worker`, keeping what it prints as the run's log.
  RunReply run_logged(WorkerProcess& worker, const RunRequest& request);

  WorkerConfig config_;
  RunLogging logging_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::vector<Runner> runners_;
  std::uint64_t generation_ = 0;
  std::unique_ptr<WorkerProcess> spare_;      // loaded for generation_, not yet used
  std::unique_ptr<WorkerProcess> candidate_;  // from read_library(), for the next generation
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace taskfs::exec
