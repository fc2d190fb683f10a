#include "remote/remote_cache.hpp"

#include "log.hpp"
#include "remote/uploader.hpp"

namespace taskfs::remote {
namespace {

// A blob whose bytes do not match its hash, found while streaming it.
struct DamagedBlob : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Hash128 hash_from(std::string_view id) {
  if (id.size() != 16) throw DamagedBlob("a hash of " + std::to_string(id.size()) + " bytes");
  Hash128 hash;
  for (int i = 0; i < 8; ++i) {
    hash.high = (hash.high << 8) | static_cast<unsigned char>(id[i]);
    hash.low = (hash.low << 8) | static_cast<unsigned char>(id[8 + i]);
  }
  return hash;
}

// Thrown through the stream when the caller's sink failed; the sink's own
// exception is rethrown once the remote link is left in order.
struct SinkFailed {};

// Removes a damaged blob and the results that use it, so that the next
// upload of a machine that computes it repairs the remote.
void forget_blob(pg::Connection& c, const std::string& id) {
  c.exec("BEGIN");
  pg::Params p;
  p.bytes(id);
  c.query("DELETE FROM taskfs_results WHERE value_hash=$1 OR view_hash=$1", p);
  c.query("DELETE FROM taskfs_blobs WHERE hash=$1", p);
  c.query("DELETE FROM taskfs_chunks WHERE hash=$1", p);
  c.exec("COMMIT");
}

}  // namespace

RemoteCache::RemoteCache(const RemoteOptions& options)
    : reachability_(std::make_shared<Reachability>(options.retry_after)),
      lookup_(options, reachability_),
      uploader_(std::make_unique<Uploader>(options, reachability_)) {}

RemoteCache::~RemoteCache() = default;

std::optional<RemoteResult> RemoteCache::find(const Hash128& key) {
  std::lock_guard lock(lookup_mutex_);
  auto found = lookup_.run([&](pg::Connection& c) -> std::optional<RemoteResult> {
    auto row = c.query(
        "SELECT task, variant, value_hash, value_size, view_hash, view_offset, view_size, created "
        "FROM taskfs_results WHERE key=$1",
        pg::Params().bytes(remote_id(key)));
    if (row.rows() == 0) return std::nullopt;
    RemoteResult r;
    r.key = key;
    r.task = row.bytes(0, 0);
    r.variant = row.bytes(0, 1);
    r.value_hash = hash_from(row.bytes(0, 2));
    r.value_size = static_cast<std::uint64_t>(row.integer(0, 3));
    r.view_hash = hash_from(row.bytes(0, 4));
    r.view_offset = static_cast<std::uint64_t>(row.integer(0, 5));
    r.view_size = static_cast<std::uint64_t>(row.integer(0, 6));
    r.created = row.real(0, 7);
    return r;
  });
  auto result = found.value_or(std::nullopt);
  ++(result ? hits_ : misses_);
  return result;
}

bool RemoteCache::fetch_blob(const Hash128& hash, std::uint64_t size,
                             const std::function<void(std::string_view)>& sink) {
  std::lock_guard lock(lookup_mutex_);
  std::string id = remote_id(hash);
  std::exception_ptr sink_error;
  auto fetched = lookup_.run([&](pg::Connection& c) {
    Hasher hasher;
    std::uint64_t received = 0;
    std::int64_t next_chunk = 0;
    try {
      c.stream("SELECT idx, data FROM taskfs_chunks WHERE hash=$1 ORDER BY idx",
               pg::Params().bytes(id), [&](const pg::Result& row) {
                 std::string_view data = row.bytes(0, 1);
                 if (row.integer(0, 0) != next_chunk++) throw DamagedBlob("a chunk is missing");
                 if (data.size() > size - received) throw DamagedBlob("longer than recorded");
                 received += data.size();
                 hasher.bytes(data);
                 try {
                   sink(data);
                 } catch (...) {
                   sink_error = std::current_exception();
                   throw SinkFailed{};
                 }
               });
      if (received != size) throw DamagedBlob("shorter than recorded");
      if (hasher.finish() != hash) throw DamagedBlob("its bytes do not match its hash");
    } catch (const DamagedBlob& e) {
      log_line("remote cache: blob " + hash.hex() + " is damaged (" + e.what() +
               "); treated as a miss and removed from the remote");
      ++damaged_;
      forget_blob(c, id);
      return false;
    } catch (const SinkFailed&) {
      return false;
    }
    return true;
  });
  if (sink_error) std::rethrow_exception(sink_error);
  return fetched.value_or(false);
}

bool RemoteCache::check() {
  std::lock_guard lock(lookup_mutex_);
  return lookup_.run([](pg::Connection& c) { return c.query("SELECT 1").rows() == 1; })
      .value_or(false);
}

void RemoteCache::upload(RemoteResult result, std::vector<BlobSource> blobs) {
  uploader_->enqueue(std::move(result), std::move(blobs));
}

bool RemoteCache::drain(std::chrono::milliseconds timeout) { return uploader_->drain(timeout); }

RemoteStatus RemoteCache::status() const {
  RemoteStatus s;
  s.reachable = reachability_->reachable();
  s.error = reachability_->error();
  s.hits = hits_;
  s.misses = misses_;
  s.damaged = damaged_;
  s.uploaded = uploader_->uploaded();
  s.upload_pending = uploader_->pending();
  s.upload_failed = uploader_->failed();
  s.upload_deferrals = uploader_->deferrals();
  return s;
}

}  // namespace taskfs::remote
