// Reads of cached results, counted cheaply (SPEC 7): a read costs a map update
// in memory; the counts reach the store in one transaction at most every few
// seconds, before an eviction, and when the engine shuts down. A daemon killed
// with -9 loses the reads of its last seconds, never a result.
#pragma once

#include <chrono>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "key/hash.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace taskfs {

class ReadLog {
 public:
  // Counts nothing (every call a no-op) when TASKFS_READ_TRACKING=off is set:
  // the benchmark measures what counting costs that way.
  explicit ReadLog(Store& store);

  // A reader opened the result `key`. Writes the counts to the store when the
  // last write is older than the flush interval.
  void note(const Hash128& key);
  // Writes the counts to the store now. A store that cannot be written is a
  // log line; the counts are then lost, nothing else.
  void flush();
  // The reads of `key` counted here and not yet in the store.
  ReadCount pending(const Hash128& key) const;

 private:
  Store& store_;
  const bool enabled_;
  mutable std::mutex mutex_;
  std::unordered_map<Hash128, ReadCount> pending_;
  std::chrono::steady_clock::time_point last_flush_;
};

}  // namespace taskfs
