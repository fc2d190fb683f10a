#include "worker_batch.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "clock.hpp"
#include "key/file_stamp.hpp"
#include "sys/io.hpp"

namespace taskfs::exec {
namespace {

// Results wait at most about this long to be stored with the next runs':
// long enough to store many small results in one transaction, short enough
// that a dependent hears of them soon.
constexpr auto kStoreEvery = std::chrono::milliseconds(5);

// stdout and stderr are the output pipe for the life of one run. At its end,
// what the task left in C stdio and iostream buffers is flushed, so that it
// belongs to this run and not to the next one. (A task that crashes loses
// what its buffers held: stdout is line-buffered, so at most a partial line,
// unless the task made its own buffers.)
class CapturedOutput {
 public:
  CapturedOutput(int own_out, int own_err) : own_out_(own_out), own_err_(own_err) {
    ::dup2(kTaskOutputFd, STDOUT_FILENO);
    ::dup2(kTaskOutputFd, STDERR_FILENO);
  }
  ~CapturedOutput() {
    // iostreams not synced with stdio have buffers of their own.
    std::cout.flush();
    std::cerr.flush();
    std::clog.flush();
    std::fflush(nullptr);
    ::dup2(own_out_, STDOUT_FILENO);
    ::dup2(own_err_, STDERR_FILENO);
  }
  CapturedOutput(const CapturedOutput&) = delete;
  CapturedOutput& operator=(const CapturedOutput&) = delete;

 private:
  int own_out_, own_err_;
};

// An upstream result's bytes (or one of its elements') were damaged in the
// store: they are forgotten, with the results made of them, and the
// coordinator plans again.
void forget_damaged_upstream(Store& store, const DamagedBlob& e, RunReply& reply) {
  store.forget_blob(e.hash());
  reply.error = std::string("an upstream result was damaged in the store (") + e.what() +
                "); it was forgotten and is computed again";
  reply.upstream_damaged = true;
}

}  // namespace

std::string make_run_end_mark() {
  std::string mark(16, '\0');
  if (::getrandom(mark.data(), mark.size(), 0) != static_cast<ssize_t>(mark.size())) {
    throw std::runtime_error(std::string("getrandom: ") + std::strerror(errno));
  }
  return mark;
}

BatchRunner::OwnOutput::OwnOutput()
    : out(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, kTaskOutputFd + 1)),
      err(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, kTaskOutputFd + 1)) {}

BatchRunner::BatchRunner(TaskLibrary& library, std::string store_dir, std::string run_end_mark)
    : library_(library), store_dir_(std::move(store_dir)), run_end_mark_(std::move(run_end_mark)) {}

void BatchRunner::run(const RunBatch& batch) {
  pending_since_ = std::chrono::steady_clock::now();
  for (const RunRequest& request : batch.runs) {
    Finished run;
    run.reply.started = epoch_seconds();
    try {
      if (!stores_) {
        stores_ = std::make_unique<Stores>(store_dir_);
        stores_->collections.install(library_.collection_hooks());
      }
      CapturedOutput captured(own_.out, own_.err);  // flushed before the mark
      run_task(request, run);
    } catch (const std::exception& e) {
      run.reply.error = e.what();
    } catch (...) {
      run.reply.error = "the task threw a non-standard exception";
    }
    if (!run.reply.error.empty()) run = Finished{std::move(run.reply), {}, {}, {}};
    // Everything the run printed is in the pipe before its mark.
    write_all(kTaskOutputFd, run_end_mark_, "the output pipe");
    pending_.push_back(std::move(run));
    if (std::chrono::steady_clock::now() - pending_since_ >= kStoreEvery) store_pending();
  }
  store_pending();
}

void BatchRunner::run_task(const RunRequest& request, Finished& run) {
  RunReply& reply = run.reply;
  Store& store = stores_->store;
  const LoadedTask* task = library_.find(request.task);
  if (task == nullptr) {
    reply.error = "the task library no longer declares task '" + request.task + "'";
    return;
  }
  // The library file may have been rebuilt since the coordinator made the
  // key: new code must never be stored under an old key.
  if (task->fingerprint != request.fingerprint) {
    reply.error = "the task library was rebuilt since this read began";
    reply.stale_code = true;
    return;
  }
  // One process computes a key at a time, whichever shares the store: the
  // others wait here, then take what it stored.
  if (request.cache) {
    run.computing = lock_key(request.key);
    if (std::optional<ResultInfo> stored = store.find_result(request.key)) {
      reply.result = *stored;
      run.computing.reset();
      return;
    }
  }
  std::vector<std::string> upstream_bytes;
  try {
    for (std::size_t u = 0; u < request.upstream.size(); ++u) {
      upstream_bytes.push_back(u == 0 && request.first_upstream_inline
                                   ? request.first_upstream_value
                                   : store.read_blob(request.upstream[u]));
    }
  } catch (const DamagedBlob& e) {
    forget_damaged_upstream(store, e, reply);
    return;
  }
  std::vector<std::string_view> upstream(upstream_bytes.begin(), upstream_bytes.end());

  auto start = std::chrono::steady_clock::now();
  // What the task leaves unstored is removed with it.
  auto out = std::make_unique<StoredResult>(store);
  try {
    task->def->invoke(upstream, request.params, *out);
  } catch (const DamagedBlob& e) {  // an element of an upstream collection, read lazily
    stores_->collections.abandon_run();
    forget_damaged_upstream(store, e, reply);
    return;
  } catch (...) {
    stores_->collections.abandon_run();  // what it appended is never served
    throw;
  }
  // The task's own time: the writing of its result is the store's.
  reply.seconds = std::chrono::duration<double>(out->handed_over() - start).count();
  for (std::size_t f = 0; f < request.input_files.size(); ++f) {
    std::optional<FileStamp> now = stamp_of(request.input_files[f]);  // cwd: the project root
    if (!now || now->text() != request.input_stamps[f]) {
      reply.error = "input file '" + request.input_files[f] +
                    "' changed while the task ran; its result was not kept, read it again";
      stores_->collections.abandon_run();
      return;
    }
  }

  NewResult result{request.key,        request.task,  request.variant, request.cache,
                   request.provenance, reply.started, reply.seconds};
  if (out->elements() != nullptr) {
    reply.result = stores_->collections.finish_run(out->elements(), result);
    reply.collection = true;
    run.computing.reset();
    return;
  }
  stores_->collections.abandon_run();
  run.to_store = out->to_store(std::move(result));
  run.result = std::move(out);
}

std::unique_ptr<KeyLock> BatchRunner::lock_key(const Hash128& key) {
  if (auto lock = KeyLock::try_take(stores_->store, key)) return lock;
  store_pending();
  return std::make_unique<KeyLock>(stores_->store, key);
}

void BatchRunner::store_pending() {
  std::vector<ResultToStore> results;
  std::vector<RunReply*> storing;
  for (Finished& run : pending_) {
    if (!run.to_store) continue;
    results.push_back(std::move(*run.to_store));
    storing.push_back(&run.reply);
  }
  if (!results.empty()) {
    try {
      std::vector<ResultInfo> infos = stores_->store.put_results(results);
      for (std::size_t i = 0; i < infos.size(); ++i) storing[i]->result = infos[i];
    } catch (const std::exception& e) {  // a full disk, say: none of them is stored
      for (RunReply* reply : storing) reply->error = e.what();
    }
  }
  RunReplies replies;
  for (Finished& run : pending_) replies.replies.push_back(std::move(run.reply));
  pending_.clear();  // the keys' locks go once their results are stored
  pending_since_ = std::chrono::steady_clock::now();
  if (!replies.replies.empty()) send(kReplyFd, replies);
}

}  // namespace taskfs::exec
