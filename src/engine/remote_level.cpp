#include "engine/remote_level.hpp"

#include <memory>

#include "log.hpp"

namespace taskfs {

remote::RemoteStatus remote_status_now(const std::string& conninfo) {
  remote::RemoteOptions options;
  options.conninfo = conninfo;
  auto cache = remote::open_team_cache(options);
  cache->check();
  return cache->status();
}

namespace {

// `options` whose uploads also wait while `fetches_waiting` is above zero: a
// read asking the remote shares neither the network nor the server with an
// upload.
remote::RemoteOptions yielding_to_fetches(remote::RemoteOptions options,
                                          const std::atomic<int>& fetches_waiting) {
  options.local_work_running = [&fetches_waiting, local = options.local_work_running] {
    return fetches_waiting.load() > 0 || (local && local());
  };
  return options;
}

}  // namespace

RemoteLevel::RemoteLevel(const remote::RemoteOptions& options, Store& store)
    : store_(store),
      remote_(remote::open_team_cache(yielding_to_fetches(options, fetches_waiting_))),
      thread_([this] { loop(); }) {}

RemoteLevel::~RemoteLevel() { stop(); }

void RemoteLevel::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RemoteLevel::fetch(const Hash128& key, const std::string& task, const std::string& variant,
                        Found found) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      ++fetches_waiting_;
      queue_.push_back({key, task, variant, std::move(found)});
      wake_.notify_one();
      return;
    }
  }
  found(std::nullopt);
}

void RemoteLevel::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left to answer
    Fetch f = std::move(queue_.front());
    queue_.pop_front();
    bool skip = stopping_;
    lock.unlock();
    f.found(skip ? std::nullopt : fetch_now(f));
    // After found: a miss has handed its computation to the pool by now, which
    // holds uploads back in turn.
    --fetches_waiting_;
    lock.lock();
  }
}

std::optional<ResultInfo> RemoteLevel::fetch_now(const Fetch& f) {
  auto found = remote_->find(f.key);
  if (!found) return std::nullopt;
  ResultInfo info{found->value_hash,  found->value_size, found->view_hash,
                  found->view_offset, found->view_size,  found->created};
  try {
    bool imported = store_.import_result(f.key, f.task, f.variant, info,
                                         [&](const Hash128& hash, std::uint64_t size,
                                             const std::function<void(std::string_view)>& sink) {
                                           return remote_->fetch_blob(hash, size, sink);
                                         });
    if (!imported) return std::nullopt;
  } catch (const std::exception& e) {  // the local store could not take it
    log_line(f.task + "/" + f.variant + ": cannot keep the remote cache's result: " + e.what());
    return std::nullopt;
  }
  log_line(f.task + "/" + f.variant + ": fetched from the remote cache (" +
           std::to_string(info.value_size) + " bytes)");
  return info;
}

remote::BlobSource RemoteLevel::local_blob(const Hash128& hash, std::uint64_t size) {
  return {
      hash, size, [this, hash] {
        auto reader = std::make_shared<BlobReader>(store_.open_blob(hash, 0, UINT64_MAX));
        return remote::BlobRead([reader](char* out, std::size_t length, std::uint64_t position) {
          return reader->read(out, length, position);
        });
      }};
}

void RemoteLevel::offer(const Hash128& key, const std::string& task, const std::string& variant,
                        const ResultInfo& result) {
  remote::RemoteResult r{key,
                         task,
                         variant,
                         result.value_hash,
                         result.value_size,
                         result.view_hash,
                         result.view_offset,
                         result.view_size,
                         result.created};
  std::vector<remote::BlobSource> blobs{local_blob(result.value_hash, result.value_size)};
  if (result.view_hash != result.value_hash) {
    blobs.push_back(local_blob(result.view_hash, result.view_size));
  }
  remote_->upload(std::move(r), std::move(blobs));
}

}  // namespace taskfs
