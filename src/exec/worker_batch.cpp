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

// stdout and stderr are the output pipe for the life of a batch. At the end
// of each run, what the task left in C stdio and iostream buffers is flushed
// (flush()), so that it belongs to this run and not to the next one. (A task
// that crashes loses what its buffers held: stdout is line-buffered, so at
// most a partial line, unless the task made its own buffers.)
class CapturedOutput {
 public:
  CapturedOutput(int own_out, int own_err) : own_out_(own_out), own_err_(own_err) {
    ::dup2(kTaskOutputFd, STDOUT_FILENO);
    ::dup2(kTaskOutputFd, STDERR_FILENO);
  }
  ~CapturedOutput() {
    flush();
    ::dup2(own_out_, STDOUT_FILENO);
    ::dup2(own_err_, STDERR_FILENO);
  }
  CapturedOutput(const CapturedOutput&) = delete;
  CapturedOutput& operator=(const CapturedOutput&) = delete;

  void flush() {
    // iostreams not synced with stdio have buffers of their own.
    std::cout.flush();
    std::cerr.flush();
    std::clog.flush();
    std::fflush(nullptr);
  }

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
  // It starts with a NUL, which text never holds: the coordinator holds back
  // the end of what a run printed only when it may be the start of a mark,
  // and a log that ends that way would look short while its task runs on.
  std::string mark(16, '\0');
  if (::getrandom(mark.data() + 1, mark.size() - 1, 0) != static_cast<ssize_t>(mark.size() - 1)) {
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
  take_keys_ahead(batch);
  pending_since_ = std::chrono::steady_clock::now();
  {
    CapturedOutput captured(own_.out, own_.err);
    for (std::size_t i = 0; i < batch.runs.size(); ++i) {
      Finished run;
      run.reply.started = epoch_seconds();
      try {
        open_store();
        run_task(batch.runs[i], i, run);
      } catch (const std::exception& e) {
        run.reply.error = e.what();
      } catch (...) {
        run.reply.error = "the task threw a non-standard exception";
      }
      if (!run.reply.error.empty()) run = Finished{std::move(run.reply), {}, {}, {}};
      // Everything the run printed is in the pipe before its mark.
      captured.flush();
      write_all(kTaskOutputFd, run_end_mark_, "the output pipe");
      pending_.push_back(std::move(run));
      if (std::chrono::steady_clock::now() - pending_since_ >= kStoreEvery) store_pending();
    }
  }
  store_pending();
  ahead_.clear();  // the keys of runs that failed before they took theirs
}

void BatchRunner::open_store() {
  if (stores_) return;
  stores_ = std::make_unique<Stores>(store_dir_);
  stores_->collections.install(library_.collection_hooks());
}

void BatchRunner::take_keys_ahead(const RunBatch& batch) {
  ahead_.clear();
  ahead_.resize(batch.runs.size());
  try {
    open_store();
    std::vector<Hash128> keys;
    std::vector<std::size_t> runs;
    for (std::size_t i = 0; i < batch.runs.size(); ++i) {
      if (!batch.runs[i].cache) continue;
      ahead_[i].lock = KeyLock::try_take(stores_->store, batch.runs[i].key);
      if (!ahead_[i].lock) continue;
      keys.push_back(batch.runs[i].key);
      runs.push_back(i);
    }
    if (keys.empty()) return;
    std::vector<std::optional<ResultInfo>> stored = stores_->store.find_results(keys);
    for (std::size_t k = 0; k < runs.size(); ++k) ahead_[runs[k]].stored = stored[k];
  } catch (const std::exception&) {
    // Each run takes its key on its own then, and fails saying why if it cannot.
    ahead_.clear();
    ahead_.resize(batch.runs.size());
  }
}

std::optional<ResultInfo> BatchRunner::hold_key(std::size_t index, const Hash128& key,
                                                Finished& run) {
  if (ahead_[index].lock) {
    run.computing = std::move(ahead_[index].lock);
    return ahead_[index].stored;
  }
  Store& store = stores_->store;
  run.computing = KeyLock::try_take(store, key);
  if (!run.computing) {
    store_pending();
    for (KeyAhead& later : ahead_) later.lock.reset();
    run.computing = std::make_unique<KeyLock>(store, key);
  }
  return store.find_result(key);
}

void BatchRunner::run_task(const RunRequest& request, std::size_t index, Finished& run) {
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
    if (std::optional<ResultInfo> stored = hold_key(index, request.key, run)) {
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
