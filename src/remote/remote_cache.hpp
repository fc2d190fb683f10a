// The team cache (SPEC section 8): a second level behind the local store, in
// PostgreSQL. On a local miss the remote is asked; a result computed locally
// is uploaded in the background. Blobs are chunked, deduplicated by content
// hash, and checked against it on download. A remote that is down or slow is
// skipped, never fails a read, and is said once in the log.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "key/hash.hpp"
#include "remote/remote_link.hpp"

namespace taskfs::remote {

class Uploader;

// What the remote knows of one cached result: where its value and its file
// view are (the same fields as a local result).
struct RemoteResult {
  Hash128 key;
  std::string task;
  std::string variant;
  Hash128 value_hash;
  std::uint64_t value_size = 0;
  Hash128 view_hash;
  std::uint64_t view_offset = 0;
  std::uint64_t view_size = 0;
  double created = 0;
};

// Copies up to `length` bytes of a blob at `position` into `out`; returns how
// many (0 only at the end).
using BlobRead = std::function<std::size_t(char* out, std::size_t length, std::uint64_t position)>;

// One local blob to upload. `open` is called on the upload thread, so nothing
// is held open while the upload waits its turn; it throws when the blob is
// gone (evicted meanwhile), and the upload is then dropped.
struct BlobSource {
  Hash128 hash;
  std::uint64_t size = 0;
  std::function<BlobRead()> open;
};

// What status shows of the remote.
struct RemoteStatus {
  bool reachable = false;  // the last attempt succeeded
  std::string error;       // why the last attempt failed
  std::uint64_t hits = 0, misses = 0, damaged = 0;
  std::uint64_t uploaded = 0, upload_pending = 0, upload_failed = 0;
};

class RemoteCache {
 public:
  // Connects lazily: a remote that is down when this is made costs nothing
  // until the first lookup, and is then skipped for options.retry_after.
  explicit RemoteCache(const RemoteOptions& options);
  // Stops the upload thread; uploads still queued are abandoned (see drain()).
  ~RemoteCache();
  RemoteCache(const RemoteCache&) = delete;
  RemoteCache& operator=(const RemoteCache&) = delete;

  // The remote's record of a cache key, or nullopt (a miss, or the remote is
  // unreachable).
  std::optional<RemoteResult> find(const Hash128& key);
  // Streams a blob's bytes to `sink` in order. True when every byte arrived
  // and they hash to `hash`; false (and a log line) when the remote lacks it,
  // its bytes are damaged or the remote broke: the caller then discards what
  // the sink received. `sink` may throw to stop (the exception propagates).
  bool fetch_blob(const Hash128& hash, std::uint64_t size,
                  const std::function<void(std::string_view)>& sink);
  // Connects (and checks the schema) if need be; true when the remote answers.
  bool check();
  // Queues a locally computed result for upload and returns at once.
  void upload(RemoteResult result, std::vector<BlobSource> blobs);
  // Waits until the upload queue is empty or `timeout` passed; true if empty.
  bool drain(std::chrono::milliseconds timeout);
  RemoteStatus status() const;

 private:
  std::shared_ptr<Reachability> reachability_;
  std::mutex lookup_mutex_;  // one lookup at a time on lookup_
  RemoteLink lookup_;
  std::atomic<std::uint64_t> hits_{0}, misses_{0}, damaged_{0};
  std::unique_ptr<Uploader> uploader_;
};

}  // namespace taskfs::remote
