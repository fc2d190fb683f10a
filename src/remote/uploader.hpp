// The team cache's upload thread: results computed here are sent to the
// remote in the background, one transaction each, so that a killed upload
// leaves nothing behind and readers never wait for it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "remote/remote_cache.hpp"
#include "remote/remote_link.hpp"

namespace taskfs::remote {

class Uploader {
 public:
  Uploader(const RemoteOptions& options, std::shared_ptr<Reachability> reachability);
  // Stops the thread; what is still queued is abandoned.
  ~Uploader();

  void enqueue(RemoteResult result, std::vector<BlobSource> blobs);
  bool drain(std::chrono::milliseconds timeout);
  std::uint64_t uploaded() const;
  std::uint64_t pending() const;
  std::uint64_t failed() const;
  // How many times an upload waited for local work to finish.
  std::uint64_t deferrals() const;

 private:
  struct Job {
    RemoteResult result;
    std::vector<BlobSource> blobs;
    int attempts = 0;  // failed tries while the remote was up
  };
  enum class Outcome { Done, Retry, Dropped };
  // Past this many queued results, new ones are not uploaded (and counted as
  // failed): a remote that is down for long must not grow memory without end.
  static constexpr std::size_t kMaxQueued = 10'000;

  void loop();
  // Uploads one result: Retry when the remote failed, Dropped when the local
  // blob is unusable.
  Outcome upload(const Job& job);
  // Waits while local work runs, until `until` at most (or stopping).
  void wait_for_local_work(std::chrono::steady_clock::time_point until);

  std::function<bool()> local_work_running_;
  RemoteLink link_;
  std::shared_ptr<Reachability> reachability_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Job> queue_;
  bool busy_ = false;  // a job is out of the queue, being uploaded
  bool stopping_ = false;
  std::uint64_t uploaded_ = 0, failed_ = 0, deferrals_ = 0;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace taskfs::remote
