#include "exec/worker_pool.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "clock.hpp"

namespace taskfs::exec {
namespace {

// A batch holds at most this many runs, and about this many seconds of
// expected work: a slow task holds few others back, and every worker gets
// a share of a long queue.
constexpr std::size_t kMaxBatch = 64;
constexpr double kBatchWork = 0.005;

}  // namespace

WorkerPool::WorkerPool(WorkerConfig config, int size, RunLogging logging)
    : config_(std::move(config)),
      logging_(logging),
      runners_(static_cast<std::size_t>(size)),
      typical_run_seconds_(kBatchWork / 8) {
  for (std::size_t i = 0; i < runners_.size(); ++i)
    threads_.emplace_back([this, i] { run_loop(i); });
}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::shutdown() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    dropped.swap(queue_);
    // A runner blocked on a busy worker is released when the worker is killed.
    for (auto& r : runners_) {
      if (r.busy != nullptr) r.busy->kill();
    }
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  for (auto& job : dropped) job.done(shutting_down());
}

RunReply WorkerPool::shutting_down() {
  RunReply reply;
  reply.started = epoch_seconds();
  reply.error = "taskfs is shutting down";
  return reply;
}

RunReply WorkerPool::cancelled() {
  RunReply reply;
  reply.started = epoch_seconds();
  reply.error = "cancelled (taskfs cancel)";
  return reply;
}

std::size_t WorkerPool::cancel(
    const std::function<bool(const std::string& task, const std::string& variant)>& which) {
  std::deque<Job> dropped;
  std::size_t stopped = 0;
  {
    std::lock_guard lock(mutex_);
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (which(it->request.task, it->request.variant)) {
        dropped.push_back(std::move(*it));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
    // A batch's runs not replied to yet: their worker is killed (its runner
    // sees the death, fails the cancelled runs and queues the others again).
    for (auto& r : runners_) {
      std::size_t marked = 0;
      for (std::size_t i = r.replied; i < r.batch.size(); ++i) {
        Job& job = r.batch[i];
        if (!job.cancelled && which(job.request.task, job.request.variant)) {
          job.cancelled = true;
          ++marked;
        }
      }
      if (marked > 0 && r.busy != nullptr) {
        r.killed_by_cancel = true;
        r.busy->kill();
      }
      stopped += marked;
    }
  }
  for (auto& job : dropped) job.done(cancelled());
  return stopped + dropped.size();
}

void WorkerPool::submit(RunRequest request, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(request), std::move(done)});
      if (gathering_ == 0) {
        wake_.notify_one();
      } else if (queue_.size() % kMaxBatch == 0) {
        wake_.notify_all();
      }
      return;
    }
  }
  done(shutting_down());
}

WorkerPool::Gathering::Gathering(WorkerPool& pool) : pool_(pool) {
  std::lock_guard lock(pool_.mutex_);
  ++pool_.gathering_;
}

WorkerPool::Gathering::~Gathering() {
  {
    std::lock_guard lock(pool_.mutex_);
    --pool_.gathering_;
  }
  pool_.wake_.notify_all();
}

std::vector<TaskInfo> WorkerPool::read_library() {
  std::unique_ptr<WorkerProcess> worker;
  try {
    worker = std::make_unique<WorkerProcess>(config_, true);
  } catch (const WorkerDied& e) {
    throw std::runtime_error("loading the task library " + config_.library +
                             " crashed: " + e.what());
  }
  if (!worker->load_error().empty()) throw std::runtime_error(worker->load_error());
  std::vector<TaskInfo> tasks = worker->take_tasks();
  std::lock_guard lock(mutex_);
  candidate_ = std::move(worker);
  return tasks;
}

void WorkerPool::set_generation(std::uint64_t generation, bool reuse_reader) {
  std::unique_ptr<WorkerProcess> unused, reader;  // reaped after the lock is released
  std::lock_guard lock(mutex_);
  generation_ = generation;
  unused = std::move(spare_);  // of an older generation
  reader = std::move(candidate_);
  if (reuse_reader) spare_ = std::move(reader);
}

std::vector<RunningJob> WorkerPool::running() const {
  std::lock_guard lock(mutex_);
  std::vector<RunningJob> out;
  for (const auto& r : runners_) {
    if (r.ended < r.batch.size()) {
      const RunRequest& run = r.batch[r.ended].request;
      out.push_back({run.task, run.variant, r.run_started});
    }
  }
  return out;
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

// Hears a runner's batch as its worker runs it: keeps each run's output as
// that run's log, follows which run is under way, and hands each reply to
// its job as it comes.
class WorkerPool::BatchProgress final : public BatchListener {
 public:
  BatchProgress(WorkerPool& pool, Runner& runner) : pool_(pool), runner_(runner) { start_log(); }

  void output(std::string_view bytes) override {
    if (log_) log_->append(bytes);
  }
  void run_ended() override {
    log_.reset();  // complete: the run printed all it will
    {
      std::lock_guard lock(pool_.mutex_);
      if (runner_.ended < runner_.batch.size()) ++runner_.ended;
      runner_.run_started = epoch_seconds();
    }
    start_log();
  }
  void replied(const RunReply& reply) override {
    std::size_t run = 0;
    {
      std::lock_guard lock(pool_.mutex_);
      run = runner_.replied++;
      if (reply.seconds > 0) pool_.note_run_seconds(reply.seconds);
    }
    runner_.batch[run].done(reply);
  }

 private:
  // The log of the run under way (runner_.ended: only this thread changes it).
  void start_log() {
    if (pool_.logging_.logs == nullptr || runner_.ended >= runner_.batch.size()) return;
    const RunRequest& run = runner_.batch[runner_.ended].request;
    log_.emplace(
        pool_.logging_.logs->start_run(run.task, run.variant, run.key, pool_.logging_.max_size));
  }

  WorkerPool& pool_;
  Runner& runner_;
  // Completed when it goes, after the worker died too: a task that crashes
  // keeps what it printed before.
  std::optional<RunLog> log_;
};

void WorkerPool::note_run_seconds(double seconds) {
  typical_run_seconds_ = 0.8 * typical_run_seconds_ + 0.2 * seconds;
}

void WorkerPool::take_batch(Runner& runner) {
  std::size_t share = (queue_.size() + runners_.size() - 1) / runners_.size();
  double by_work = std::clamp<double>(kBatchWork / std::max(typical_run_seconds_, 1e-9), 1,
                                      static_cast<double>(kMaxBatch));
  std::size_t size = std::min(share, static_cast<std::size_t>(by_work));
  do {
    runner.batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  } while (runner.batch.size() < size && !queue_.empty() && !queue_.front().alone &&
           !runner.batch.front().alone);
  runner.run_started = epoch_seconds();
}

void WorkerPool::run_loop(std::size_t index) {
  Runner& runner = runners_[index];
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      take_batch(runner);
    }
    execute(runner);
    std::lock_guard lock(mutex_);
    runner.batch.clear();
    runner.ended = 0;
    runner.replied = 0;
    runner.killed_by_cancel = false;
  }
}

void WorkerPool::execute(Runner& runner) {
  if (std::optional<std::string> error = ready_worker(runner)) {
    RunReply failed;
    failed.started = epoch_seconds();
    failed.error = *error;
    for (Job& job : runner.batch) job.done(failed);
    return;
  }
  RunBatch batch;
  batch.runs.reserve(runner.batch.size());
  for (const Job& job : runner.batch) batch.runs.push_back(job.request);
  std::string died;
  {
    BatchProgress progress(*this, runner);
    try {
      runner.worker->run_batch(batch, progress);
    } catch (const std::exception& e) {  // WorkerDied says how the worker ended
      died = e.what();
    }
  }
  if (!died.empty()) return batch_died(runner, died);
  std::lock_guard lock(mutex_);
  runner.busy = nullptr;
}

std::optional<std::string> WorkerPool::ready_worker(Runner& runner) {
  std::unique_ptr<WorkerProcess> stale, dead_spare;  // reaped after the lock is released
  {
    std::lock_guard lock(mutex_);
    // A worker that died while idle (OOM killer, say) is replaced, not blamed;
    // the spare may have died the same way.
    if (!runner.worker || runner.generation != generation_ || !runner.worker->alive()) {
      stale = std::move(runner.worker);
      runner.worker = std::move(spare_);
      if (runner.worker && !runner.worker->alive()) dead_spare = std::move(runner.worker);
      runner.generation = generation_;
    }
  }
  stale.reset();
  dead_spare.reset();
  try {
    if (!runner.worker) runner.worker = std::make_unique<WorkerProcess>(config_);
  } catch (const std::exception& e) {  // WorkerDied says how the worker ended
    return e.what();
  }
  if (!runner.worker->load_error().empty()) {
    std::string error = runner.worker->load_error();
    runner.worker.reset();
    return error;
  }
  std::lock_guard lock(mutex_);
  if (stopping_) return shutting_down().error;
  runner.busy = runner.worker.get();
  // Cancelled while its worker was readied: killed before it runs anything.
  for (const Job& job : runner.batch) {
    if (job.cancelled) {
      runner.killed_by_cancel = true;
      runner.busy->kill();
      break;
    }
  }
  return std::nullopt;
}

void WorkerPool::batch_died(Runner& runner, const std::string& why) {
  std::vector<std::pair<Done, RunReply>> failed;  // called once the lock is released
  std::unique_ptr<WorkerProcess> dead;
  {
    std::lock_guard lock(mutex_);
    runner.busy = nullptr;
    dead = std::move(runner.worker);
    // With every run over, the worker died storing their results: the one
    // to blame is known only when a single run is left.
    bool none_under_way = runner.ended >= runner.batch.size();
    std::size_t left = runner.batch.size() - runner.replied;
    std::vector<Job> again;
    for (std::size_t i = runner.replied; i < runner.batch.size(); ++i) {
      Job& job = runner.batch[i];
      RunReply reply;
      reply.started = epoch_seconds();
      if (stopping_) {
        reply.error = shutting_down().error;
      } else if (job.cancelled) {
        reply.error = cancelled().error;
      } else if (runner.killed_by_cancel) {
        again.push_back(std::move(job));  // killed for another run's sake
        continue;
      } else if (none_under_way ? left == 1 : i == runner.ended) {
        reply.error = why;
      } else {
        job.alone = none_under_way;
        again.push_back(std::move(job));
        continue;
      }
      failed.emplace_back(std::move(job.done), std::move(reply));
    }
    runner.ended = runner.batch.size();  // what is left of the batch is not running
    queue_.insert(queue_.begin(), std::make_move_iterator(again.begin()),
                  std::make_move_iterator(again.end()));
    if (!again.empty()) wake_.notify_all();
  }
  dead.reset();
  for (auto& [done, reply] : failed) done(reply);
}

}  // namespace taskfs::exec
