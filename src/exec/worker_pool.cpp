#include "exec/worker_pool.hpp"

#include <chrono>

#include "clock.hpp"

namespace taskfs::exec {
WorkerPool::WorkerPool(WorkerConfig config, int size, RunLogging logging)
    : config_(std::move(config)), logging_(logging), runners_(static_cast<std::size_t>(size)) {
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
    for (auto& r : runners_) {
      if (r.busy != nullptr && which(r.current->task, r.current->variant)) {
        r.cancelled = true;
        r.busy->kill();  // its runner sees the death and frees the slot
        ++stopped;
      }
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
      wake_.notify_one();
      return;
    }
  }
  done(shutting_down());
}

std::vector<TaskInfo> WorkerPool::read_library() {
  std::unique_ptr<WorkerProcess> worker;
  try {
    worker = std::make_unique<WorkerProcess>(config_);
  } catch (const WorkerDied& e) {
    throw std::runtime_error("loading the task library " + config_.library +
                             " crashed: " + e.what());
  }
  if (!worker->catalog().error.empty()) throw std::runtime_error(worker->catalog().error);
  std::vector<TaskInfo> tasks = worker->catalog().tasks;
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
    if (r.current) out.push_back(*r.current);
  }
  return out;
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkerPool::run_loop(std::size_t index) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      runners_[index].current = RunningJob{job.request.task, job.request.variant, epoch_seconds()};
      runners_[index].cancelled = false;
    }
    RunReply reply = execute(runners_[index], job);
    {
      std::lock_guard lock(mutex_);
      runners_[index].current.reset();
    }
    job.done(reply);
  }
}

RunReply WorkerPool::execute(Runner& runner, const Job& job) {
  RunReply failed;
  failed.started = epoch_seconds();
  std::unique_ptr<WorkerProcess> stale, dead_spare;
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
    if (!runner.worker->catalog().error.empty()) {
      failed.error = runner.worker->catalog().error;
      runner.worker.reset();
      return failed;
    }
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return shutting_down();
      runner.busy = runner.worker.get();
    }
    RunReply reply = run_logged(*runner.worker, job.request);
    std::lock_guard lock(mutex_);
    runner.busy = nullptr;
    return reply;
  } catch (const std::exception& e) {  // WorkerDied says how the worker ended
    failed.error = e.what();
  }
  std::unique_ptr<WorkerProcess> dead;  // reaped after the lock is released
  std::lock_guard lock(mutex_);
  if (runner.cancelled) failed.error = cancelled().error;
  runner.busy = nullptr;
  dead = std::move(runner.worker);
  return failed;
}

RunReply WorkerPool::run_logged(WorkerProcess& worker, const RunRequest& request) {
  if (logging_.logs == nullptr) return worker.run(request, [](std::string_view) {});
  // Completed when it goes, after the worker died too: a task that crashes
  // keeps what it printed before.
  RunLog log =
      logging_.logs->start_run(request.task, request.variant, request.key, logging_.max_size);
  return worker.run(request, [&log](std::string_view bytes) { log.append(bytes); });
}

}  // namespace taskfs::exec
