#include "cli/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace taskfs::cli {
namespace {

// The width of the terminal on stderr: a longer line would wrap, and "\r"
// would then no longer clear it.
std::size_t terminal_width() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col < 20) return 80;
  return size.ws_col;
}

std::string progress_line(const ProgressState& s, long long elapsed) {
  char clock[32];
  std::snprintf(clock, sizeof clock, "%lld:%02lld", elapsed / 60, elapsed % 60);
  std::string line = "[";
  if (s.done && s.planned) {
    line += std::to_string(*s.done) + "/" + std::to_string(*s.planned) + " done, ";
  }
  line += std::string(clock) + "]";
  if (!s.running.empty()) line += " running:";
  for (const auto& r : s.running) line += " " + r;
  if (s.queued > 0) line += " (" + std::to_string(s.queued) + " waiting)";
  return line;
}

}  // namespace

Progress::Progress(std::function<ProgressState()> poll)
    : poll_(std::move(poll)), started_(std::chrono::steady_clock::now()) {
  if (::isatty(STDERR_FILENO)) thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    std::cerr << "\r\033[K" << std::flush;
  }
}

void Progress::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) {
    auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now() - started_)
                       .count();
    std::string line = progress_line(poll_(), static_cast<long long>(elapsed));
    std::cerr << "\r\033[K" << line.substr(0, terminal_width() - 1) << std::flush;
  }
}

}  // namespace taskfs::cli
