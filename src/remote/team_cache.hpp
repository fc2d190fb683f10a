// The team cache as its users see it (SPEC section 8), free of libpq: the
// PostgreSQL implementation (remote_cache.hpp) is the module
// libtaskfs-remote.so (sys/module.hpp says why), which open_team_cache()
// loads when a project names a remote.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "key/hash.hpp"

namespace taskfs::remote {

struct RemoteOptions {
  std::string conninfo;                           // a libpq connection string or URI
  int connect_timeout = 2;                        // seconds
  std::chrono::milliseconds retry_after{30'000};  // how long a down remote is skipped
  // True while this machine computes: uploads then wait (between chunks, up
  // to a bound), so that they never slow down the computation a reader waits
  // for. Unset: uploads never wait.
  std::function<bool()> local_work_running;
};

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
  std::uint64_t upload_deferrals = 0;  // times an upload waited for local work
};

class TeamCache {
 public:
  virtual ~TeamCache() = default;

  // The remote's record of a cache key, or nullopt (a miss, or the remote is
  // unreachable).
  virtual std::optional<RemoteResult> find(const Hash128& key) = 0;
  // Streams a blob's bytes to `sink` in order. True when every byte arrived
  // and they hash to `hash`; false (and a log line) when the remote lacks it,
  // its bytes are damaged or the remote broke: the caller then discards what
  // the sink received. `sink` may throw to stop (the exception propagates).
  virtual bool fetch_blob(const Hash128& hash, std::uint64_t size,
                          const std::function<void(std::string_view)>& sink) = 0;
  // Connects (and checks the schema) if need be; true when the remote answers.
  virtual bool check() = 0;
  // Queues a locally computed result for upload and returns at once.
  virtual void upload(RemoteResult result, std::vector<BlobSource> blobs) = 0;
  // Waits until the upload queue is empty or `timeout` passed; true if empty.
  virtual bool drain(std::chrono::milliseconds timeout) = 0;
  virtual RemoteStatus status() const = 0;
};

// A team cache of `options`, from the module libtaskfs-remote.so (loaded on
// first use). Throws std::runtime_error when the module cannot be loaded.
std::unique_ptr<TeamCache> open_team_cache(const RemoteOptions& options);

// The module's entry point, extern "C" taskfs_make_team_cache: a new team
// cache, which the caller owns.
using MakeTeamCache = TeamCache* (*)(const RemoteOptions& options);

}  // namespace taskfs::remote
