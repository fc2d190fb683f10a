#include "remote/uploader.hpp"

#include <linux/ioprio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <tuple>

#include "log.hpp"

namespace taskfs::remote {
namespace {

// Blobs travel as rows of this many bytes (SQLite and PostgreSQL alike are
// slow with values near 1 GB; 1 MiB rows stream at socket speed).
constexpr std::size_t kChunkSize = 1 << 20;
// A result whose upload failed this many times (the remote up) is dropped.
constexpr int kMaxAttempts = 3;
// How often a waiting upload looks whether local work is done, and how long
// one result's upload waits in all: on a machine that never stops computing,
// uploads still go, at the lowest priority.
constexpr std::chrono::milliseconds kLocalWorkPoll{10};
constexpr std::chrono::seconds kMostDeferral{30};

// The local blob to upload is gone or is not what its hash says: this result
// is not uploaded, and the remote is not to blame.
struct LocalBlobUnusable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Uploads one blob inside the caller's transaction, unless the remote has it;
// `pause` is called before each chunk.
void upload_blob(pg::Connection& c, const BlobSource& blob, const std::function<void()>& pause) {
  std::string id = remote_id(blob.hash);
  // Two machines uploading the same blob: the second waits here for the
  // first's transaction, then finds the blob and skips it.
  c.query("SELECT pg_advisory_xact_lock($1)",
          pg::Params().integer(static_cast<std::int64_t>(blob.hash.high)));
  if (c.query("SELECT 1 FROM taskfs_blobs WHERE hash=$1", pg::Params().bytes(id)).rows() > 0) {
    return;
  }
  BlobRead read;
  try {
    read = blob.open();
  } catch (const std::exception& e) {
    throw LocalBlobUnusable(e.what());
  }
  std::string buffer(std::min<std::uint64_t>(kChunkSize, blob.size), '\0');
  Hasher hasher;
  std::int64_t index = 0;
  for (std::uint64_t position = 0; position < blob.size; ++index) {
    pause();
    std::size_t want = std::min<std::uint64_t>(kChunkSize, blob.size - position);
    std::size_t got = read(buffer.data(), want, position);
    if (got == 0) throw LocalBlobUnusable("shorter than recorded");
    std::string_view chunk(buffer.data(), got);
    hasher.bytes(chunk);
    c.query("INSERT INTO taskfs_chunks VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
            pg::Params().bytes(id).integer(index).bytes(chunk));
    position += got;
  }
  // Never spread a damaged local blob: every other machine would reject it.
  if (hasher.finish() != blob.hash) throw LocalBlobUnusable("its bytes do not match its hash");
  c.query("INSERT INTO taskfs_blobs VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
          pg::Params().bytes(id).integer(static_cast<std::int64_t>(blob.size)).integer(index));
}

void insert_result(pg::Connection& c, const RemoteResult& r) {
  c.query(
      "INSERT INTO taskfs_results VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "ON CONFLICT DO NOTHING",
      pg::Params()
          .bytes(remote_id(r.key))
          .text(r.task)
          .text(r.variant)
          .bytes(remote_id(r.value_hash))
          .integer(static_cast<std::int64_t>(r.value_size))
          .bytes(remote_id(r.view_hash))
          .integer(static_cast<std::int64_t>(r.view_offset))
          .integer(static_cast<std::int64_t>(r.view_size))
          .real(r.created));
}

// Uploads take what reads leave: the calling thread gets the lowest CPU
// priority (nice 19) and the lowest best-effort disk priority, as backup tools
// run under nice and ionice. Not SCHED_IDLE or the idle I/O class: those can
// starve an upload on a busy machine, and `taskfs run` waits for its uploads.
void yield_to_reads() {
  pid_t thread = static_cast<pid_t>(::syscall(SYS_gettid));
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(thread), 19) != 0) {
    log_line("team cache: cannot lower the upload thread's priority; uploads compete with reads");
  }
  [[maybe_unused]] long io =
      ::syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, thread, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 7));
}

}  // namespace

Uploader::Uploader(const RemoteOptions& options, std::shared_ptr<Reachability> reachability)
    : local_work_running_(options.local_work_running),
      link_(options, reachability),
      reachability_(std::move(reachability)),
      thread_([this] { loop(); }) {}

Uploader::~Uploader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void Uploader::enqueue(RemoteResult result, std::vector<BlobSource> blobs) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      ++failed_;
      return;
    }
    // Blobs in hash order: two uploads that lock the same blobs lock them in
    // the same order and cannot deadlock.
    std::sort(blobs.begin(), blobs.end(), [](const BlobSource& a, const BlobSource& b) {
      return std::tie(a.hash.high, a.hash.low) < std::tie(b.hash.high, b.hash.low);
    });
    blobs.erase(
        std::unique(blobs.begin(), blobs.end(),
                    [](const BlobSource& a, const BlobSource& b) { return a.hash == b.hash; }),
        blobs.end());
    queue_.push_back({std::move(result), std::move(blobs), 0});
  }
  changed_.notify_all();
}

bool Uploader::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return queue_.empty() && !busy_; });
}

std::uint64_t Uploader::uploaded() const {
  std::lock_guard lock(mutex_);
  return uploaded_;
}

std::uint64_t Uploader::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + (busy_ ? 1 : 0);
}

std::uint64_t Uploader::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

std::uint64_t Uploader::deferrals() const {
  std::lock_guard lock(mutex_);
  return deferrals_;
}

void Uploader::loop() {
  yield_to_reads();
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    // A remote that is down is not tried before its retry time.
    auto retry_at = reachability_->retry_at();
    if (std::chrono::steady_clock::now() < retry_at) {
      changed_.wait_until(lock, retry_at, [&] { return stopping_; });
      continue;
    }
    Job job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Outcome outcome = upload(job);
    lock.lock();
    busy_ = false;
    if (outcome == Outcome::Done) {
      ++uploaded_;
    } else if (outcome == Outcome::Retry && ++job.attempts < kMaxAttempts) {
      queue_.push_front(std::move(job));
    } else {
      ++failed_;
    }
    changed_.notify_all();
  }
}

void Uploader::wait_for_local_work(std::chrono::steady_clock::time_point until) {
  if (!local_work_running_) return;
  std::unique_lock lock(mutex_);
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    lock.unlock();
    bool working = local_work_running_();
    lock.lock();
    if (!working) return;
    ++deferrals_;
    changed_.wait_for(lock, kLocalWorkPoll, [&] { return stopping_; });
  }
}

Uploader::Outcome Uploader::upload(const Job& job) {
  auto until = std::chrono::steady_clock::now() + kMostDeferral;
  auto pause = [&] { wait_for_local_work(until); };
  pause();
  std::string dropped;
  auto done = link_.run([&](pg::Connection& c) {
    if (c.query("SELECT 1 FROM taskfs_results WHERE key=$1",
                pg::Params().bytes(remote_id(job.result.key)))
            .rows() > 0) {
      return true;  // another machine was first
    }
    c.exec("BEGIN");
    try {
      for (const auto& blob : job.blobs) upload_blob(c, blob, pause);
      insert_result(c, job.result);
      c.exec("COMMIT");
    } catch (const LocalBlobUnusable& e) {
      c.exec("ROLLBACK");
      dropped = e.what();
      return false;
    }
    return true;
  });
  if (!done) return Outcome::Retry;
  if (!*done) {
    log_line("remote cache: not uploading " + job.result.task + "/" + job.result.variant +
             ": its local blob is unusable (" + dropped + ")");
    return Outcome::Dropped;
  }
  return Outcome::Done;
}

}  // namespace taskfs::remote
