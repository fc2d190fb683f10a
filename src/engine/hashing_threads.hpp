// Threads of the engine's own for work that reads input files (hashing them
// for a key), so that no caller's thread ever waits on a file: above all no
// FUSE thread, whose request could then not be interrupted (SPEC 2: stat never
// computes; an interrupted reader stops waiting).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace taskfs {

class HashingThreads {
 public:
  // A job runs with `stopping` false; one still queued when stop() is called
  // runs with true and must then fail what it serves without reading.
  using Job = std::function<void(bool stopping)>;

  explicit HashingThreads(int threads);
  // stop().
  ~HashingThreads();
  HashingThreads(const HashingThreads&) = delete;
  HashingThreads& operator=(const HashingThreads&) = delete;

  // Queues a job; after stop() it runs at once, on this thread, stopping.
  void post(Job job);
  // Runs every queued job stopping, waits for the running ones and joins the
  // threads: every job has run when it returns. Idempotent.
  void stop();

 private:
  void run_loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace taskfs
