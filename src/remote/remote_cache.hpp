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
#include "remote/team_cache.hpp"

namespace taskfs::remote {

class Uploader;

// The team cache in PostgreSQL.
class RemoteCache final : public TeamCache {
 public:
  // Connects lazily: a remote that is down when this is made costs nothing
  // until the first lookup, and is then skipped for options.retry_after.
  explicit RemoteCache(const RemoteOptions& options);
  // Stops the upload thread; uploads still queued are abandoned (see drain()).
  ~RemoteCache() override;
  RemoteCache(const RemoteCache&) = delete;
  RemoteCache& operator=(const RemoteCache&) = delete;

  // The TeamCache operations (see team_cache.hpp).
  std::optional<RemoteResult> find(const Hash128& key) override;
  bool fetch_blob(const Hash128& hash, std::uint64_t size,
                  const std::function<void(std::string_view)>& sink) override;
  bool check() override;
  void upload(RemoteResult result, std::vector<BlobSource> blobs) override;
  bool drain(std::chrono::milliseconds timeout) override;
  RemoteStatus status() const override;

 private:
  std::shared_ptr<Reachability> reachability_;
  std::mutex lookup_mutex_;  // one lookup at a time on lookup_
  RemoteLink lookup_;
  std::atomic<std::uint64_t> hits_{0}, misses_{0}, damaged_{0};
  std::unique_ptr<Uploader> uploader_;
};

}  // namespace taskfs::remote
