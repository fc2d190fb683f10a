// One worker process, seen from the coordinator: spawned with posix_spawn (never
// fork in the threaded daemon), spoken to over two pipes. A third pipe carries
// what the task code prints while it runs (its stdout and stderr).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "exec/output_splitter.hpp"
#include "exec/protocol.hpp"
#include "sys/fd.hpp"

namespace taskfs::exec {

// The worker died (crash, abort, exit, kill) while it was wanted.
class WorkerDied : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct WorkerConfig {
  std::string worker_executable;
  std::string library;
  std::string store_dir;
  std::string project_root;  // the worker's working directory
  // The worker's stdout and stderr outside runs (a library's initializers,
  // the worker's own last words); during a run they are the output pipe.
  int log_fd = 2;
};

// Takes the output of a running task as it arrives.
using OutputSink = std::function<void(std::string_view)>;

// Hears how a batch goes, on the thread that runs it: each run's output and
// end (RunOutputListener), and each run's reply, in order, once the worker
// stored its result. A run ends before its reply comes, maybe long before
// (results are stored a few runs at a time).
class BatchListener : public RunOutputListener {
 public:
  virtual void replied(const RunReply& reply) = 0;
};

class WorkerProcess {
 public:
  // Spawns the worker and reads the first message it sends: whether its
  // library loaded and, `with_catalog`, what it declares. Only the worker that
  // reads a library sends that: a catalog of 100,000 tasks takes tens of MiB.
  explicit WorkerProcess(const WorkerConfig& config, bool with_catalog = false);
  // Closes the request pipe (the worker exits) and reaps the process.
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Why the library could not be loaded, or empty.
  const std::string& load_error() const { return catalog_.error; }
  // What the library declares (with_catalog), moved out: the daemon keeps
  // one catalog, not one a worker.
  std::vector<TaskInfo> take_tasks() { return std::move(catalog_.tasks); }
  // Runs the batch's runs in order, telling `listener` what each prints as
  // it comes, when each ends and each reply, up to the last reply or the
  // worker's death. Throws WorkerDied, saying how, if the worker dies
  // meanwhile or is killed for a run lasting past its timeout_seconds (the
  // last run's timeout also bounds the storing of results after it).
  void run_batch(const RunBatch& batch, BatchListener& listener);
  pid_t pid() const { return pid_; }
  // Sends SIGKILL to the worker (its death then takes its process group);
  // safe from another thread while run() waits, and against a reused pid.
  void kill();
  // False once the process has ended (killed while idle, say); reaps it.
  bool alive();

 private:
  // Kills the worker's process group, reaps the worker, throws WorkerDied.
  [[noreturn]] void died();
  using Clock = std::chrono::steady_clock;
  // The time limit of the run under way, from its start (0: none).
  struct RunClock {
    double timeout_seconds = 0;
    Clock::time_point started;
  };
  // Waits until a reply can be read, passing on the task's output meanwhile
  // (when `output` is set); died() if the worker exits first. A worker still
  // busy once `clock` (when set, and as `output` moves it) runs out is
  // killed and WorkerDied thrown, saying so.
  void await_reply(const OutputSink* output = nullptr, const RunClock* clock = nullptr);
  // Reads what the output pipe holds now into `output`.
  void drain_output(const OutputSink& output);
  // Closes the pipes, kills and reaps the process.
  void release();

  pid_t pid_ = -1;
  Fd pidfd_;    // becomes readable when the worker exits
  Fd request_;  // to the worker
  Fd reply_;    // from the worker
  Fd output_;   // from the worker: the task's stdout and stderr (non-blocking)
  CatalogMessage catalog_;
};

// The taskfs-worker executable next to the running one (or $TASKFS_WORKER).
std::string default_worker_executable();

}  // namespace taskfs::exec
