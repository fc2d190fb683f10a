#include "log.hpp"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace taskfs {

namespace {
std::atomic<bool> silenced{false};
}  // namespace

void silence_log() { silenced = true; }

void log_line(std::string_view message) {
  if (silenced) return;
  static std::mutex mutex;
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::tm local{};
  ::localtime_r(&now, &local);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "%s taskfs: %.*s\n", stamp, static_cast<int>(message.size()),
               message.data());
  std::fflush(stderr);
}

}  // namespace taskfs
