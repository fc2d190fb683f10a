#include "engine/hashing_threads.hpp"

namespace taskfs {

HashingThreads::HashingThreads(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run_loop(); });
}

HashingThreads::~HashingThreads() { stop(); }

void HashingThreads::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  job(true);
}

void HashingThreads::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void HashingThreads::run_loop() {
  for (;;) {
    Job job;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to fail
      job = std::move(queue_.front());
      queue_.pop_front();
      stopping = stopping_;
    }
    job(stopping);
  }
}

}  // namespace taskfs
