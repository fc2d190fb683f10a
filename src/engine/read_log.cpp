#include "engine/read_log.hpp"

#include <cstdlib>
#include <cstring>

#include "clock.hpp"
#include "log.hpp"

namespace taskfs {
namespace {

// How stale the store's counts may get while reads go on.
constexpr auto kFlushInterval = std::chrono::seconds(5);

bool tracking_enabled() {
  const char* setting = std::getenv("TASKFS_READ_TRACKING");
  return setting == nullptr || std::strcmp(setting, "off") != 0;
}

}  // namespace

ReadLog::ReadLog(Store& store)
    : store_(store), enabled_(tracking_enabled()), last_flush_(std::chrono::steady_clock::now()) {}

void ReadLog::note(const Hash128& key) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    ReadCount& read = pending_[key];
    ++read.count;
    read.last = epoch_seconds();
    if (now - last_flush_ < kFlushInterval) return;
    last_flush_ = now;
  }
  flush();
}

void ReadLog::flush() {
  std::vector<std::pair<Hash128, ReadCount>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.assign(pending_.begin(), pending_.end());
    pending_.clear();
  }
  if (batch.empty()) return;
  try {
    store_.add_reads(batch);
  } catch (const std::exception& e) {
    log_line(std::string("cannot record reads in the store: ") + e.what());
  }
}

ReadCount ReadLog::pending(const Hash128& key) const {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(key);
  return it == pending_.end() ? ReadCount{} : it->second;
}

}  // namespace taskfs
