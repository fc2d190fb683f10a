// The progress line of `taskfs run` on a terminal (SPEC 7): tasks done of
// total when known, elapsed time, what runs now, what waits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace taskfs::cli {

// What the line shows at one moment.
struct ProgressState {
  std::optional<std::size_t> done, planned;  // known when the computation is in this process
  std::vector<std::string> running;          // "task/variant"
  std::size_t queued = 0;
};

// Redraws one stderr line every 200 ms from `poll` while it lives, and
// clears it at the end; does nothing when stderr is not a terminal.
class Progress {
 public:
  explicit Progress(std::function<ProgressState()> poll);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  void loop();

  std::function<ProgressState()> poll_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace taskfs::cli
