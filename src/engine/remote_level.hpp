// The team cache as the engine uses it: asked before a missing result is
// computed, fed after one is computed. Fetches run on threads of their own,
// never on the caller's (a FUSE thread, say), and stream into the local store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "remote/team_cache.hpp"
#include "store/store.hpp"

namespace taskfs {

// Asks the team cache at `conninfo` whether it answers, for `taskfs status`
// without a daemon.
remote::RemoteStatus remote_status_now(const std::string& conninfo);

class RemoteLevel {
 public:
  using Found = std::function<void(std::optional<ResultInfo>)>;

  // Throws std::runtime_error when the team cache module cannot be loaded.
  RemoteLevel(const remote::RemoteOptions& options, Store& store);
  // stop(), and abandons the uploads still queued.
  ~RemoteLevel();
  RemoteLevel(const RemoteLevel&) = delete;
  RemoteLevel& operator=(const RemoteLevel&) = delete;

  // Looks `key` up in the remote and, on a hit, streams it into the local
  // store; `found` then runs on a fetch thread with the local result, or with
  // nullopt on a miss (or an unreachable or damaged remote).
  void fetch(const Hash128& key, const std::string& task, const std::string& variant, Found found);
  // Answers every fetch still queued, and every later one, with nullopt.
  // Idempotent.
  void stop();
  // Queues a result stored locally for upload; returns at once.
  void offer(const Hash128& key, const std::string& task, const std::string& variant,
             const ResultInfo& result);
  // Waits until every upload is done or `timeout` passed; true if done.
  bool drain(std::chrono::milliseconds timeout) { return remote_->drain(timeout); }
  remote::RemoteStatus status() const { return remote_->status(); }

 private:
  struct Fetch {
    Hash128 key;
    std::string task, variant;
    Found found;
  };
  void loop();
  std::optional<ResultInfo> fetch_now(const Fetch& f);
  remote::BlobSource local_blob(const Hash128& hash, std::uint64_t size);

  Store& store_;
  // Fetches queued or under way: uploads wait while a reader waits on one.
  // Before remote_, whose uploader asks it from its first moment.
  std::atomic<int> fetches_waiting_{0};
  std::unique_ptr<remote::TeamCache> remote_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Fetch> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace taskfs
