// taskfs-worker: loads a task library and runs tasks on request, storing each
// result itself so that large values never cross the pipe. Requests arrive on
// fd 3, replies leave on fd 4; while a task runs, its stdout and stderr go to
// fd 5, which its coordinator keeps as the run's log.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "clock.hpp"
#include "exec/protocol.hpp"
#include "exec/stored_collections.hpp"
#include "exec/stored_result.hpp"
#include "key/file_stamp.hpp"
#include "plugin/task_library.hpp"
#include "store/key_lock.hpp"
#include "store/store.hpp"

namespace taskfs::exec {
namespace {

// The worker's own stdout and stderr (the coordinator's log), kept aside while
// a task prints to the output pipe.
struct OwnOutput {
  int out = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, kTaskOutputFd + 1);
  int err = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, kTaskOutputFd + 1);
};

// stdout and stderr are the output pipe for the life of one run. At its end,
// what the task left in C stdio and iostream buffers is flushed, so that it
// belongs to this run and not to the next one. (A task that crashes loses
// what its buffers held: stdout is line-buffered, so at most a partial line,
// unless the task made its own buffers.)
class CapturedOutput {
 public:
  explicit CapturedOutput(const OwnOutput& own) : own_(own) {
    ::dup2(kTaskOutputFd, STDOUT_FILENO);
    ::dup2(kTaskOutputFd, STDERR_FILENO);
  }
  ~CapturedOutput() {
    // iostreams not synced with stdio have buffers of their own.
    std::cout.flush();
    std::cerr.flush();
    std::clog.flush();
    std::fflush(nullptr);
    ::dup2(own_.out, STDOUT_FILENO);
    ::dup2(own_.err, STDERR_FILENO);
  }
  CapturedOutput(const CapturedOutput&) = delete;
  CapturedOutput& operator=(const CapturedOutput&) = delete;

 private:
  const OwnOutput& own_;
};

// The worker's store, opened at its first run, and the collections task code
// makes in it.
struct WorkerStore {
  explicit WorkerStore(const std::string& dir) : store(dir), collections(store) {}
  Store store;
  StoredCollections collections;
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

// Runs one task and stores its result, filling `reply` (started is set).
void run_task(const TaskLibrary& library, WorkerStore& stores, const RunRequest& request,
              RunReply& reply) {
  Store& store = stores.store;
  const LoadedTask* task = library.find(request.task);
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
  std::optional<KeyLock> computing;
  if (request.cache) {
    computing.emplace(store, request.key);
    if (std::optional<ResultInfo> stored = store.find_result(request.key)) {
      reply.result = *stored;
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
  StoredResult out(store);  // what the task leaves unstored is removed with it
  try {
    task->def->invoke(upstream, request.params, out);
  } catch (const DamagedBlob& e) {  // an element of an upstream collection, read lazily
    stores.collections.abandon_run();
    forget_damaged_upstream(store, e, reply);
    return;
  } catch (...) {
    stores.collections.abandon_run();  // what it appended is never served
    throw;
  }
  // The task's own time: the writing of its result is the store's.
  reply.seconds = std::chrono::duration<double>(out.handed_over() - start).count();
  for (std::size_t f = 0; f < request.input_files.size(); ++f) {
    std::optional<FileStamp> now = stamp_of(request.input_files[f]);  // cwd: the project root
    if (!now || now->text() != request.input_stamps[f]) {
      reply.error = "input file '" + request.input_files[f] +
                    "' changed while the task ran; its result was not kept, read it again";
      stores.collections.abandon_run();
      return;
    }
  }

  NewResult result{request.key,        request.task,  request.variant, request.cache,
                   request.provenance, reply.started, reply.seconds};
  if (out.elements() != nullptr) {
    reply.result = stores.collections.finish_run(out.elements(), result);
    reply.collection = true;
    return;
  }
  stores.collections.abandon_run();
  reply.result = out.store(result);
}

// The worker does not outlive its coordinator (the daemon, or `taskfs run`,
// which a Ctrl-C ends): once the request pipe has no writer, the worker's
// process group ends, with whatever a running task started. (The worker has
// a group of its own, so a terminal's Ctrl-C no longer reaches it directly.)
void end_with_coordinator() {
  // Only a group of its own is the worker's to end (not a shell's, say).
  if (::getpgrp() != ::getpid()) return;
  std::thread([] {
    pollfd request{kRequestFd, 0, 0};  // POLLHUP and POLLERR are always reported
    while (::poll(&request, 1, -1) < 0 && errno == EINTR) {
    }
    ::kill(0, SIGKILL);
  }).detach();
}

int serve(const std::string& library_path, const std::string& store_dir) {
  end_with_coordinator();
  std::unique_ptr<TaskLibrary> library;
  CatalogMessage catalog;
  try {
    library = std::make_unique<TaskLibrary>(library_path);
    catalog.tasks = library->catalog();
  } catch (const std::exception& e) {
    catalog.error = e.what();
  }
  send(kReplyFd, catalog);
  if (!library) return 1;

  std::unique_ptr<WorkerStore> store;
  const OwnOutput own;
  RunRequest request;
  while (receive(kRequestFd, request)) {
    RunReply reply;
    reply.started = epoch_seconds();
    try {
      if (!store) {
        store = std::make_unique<WorkerStore>(store_dir);
        store->collections.install(library->collection_hooks());
      }
      CapturedOutput captured(own);  // flushed before the reply: all of it is in the pipe then
      run_task(*library, *store, request, reply);
    } catch (const std::exception& e) {
      reply.error = e.what();
    } catch (...) {
      reply.error = "the task threw a non-standard exception";
    }
    send(kReplyFd, reply);
  }
  return 0;
}

}  // namespace
}  // namespace taskfs::exec

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr,
                 "usage: taskfs-worker LIBRARY STORE_DIR (started by taskfs, not by hand)\n");
    return 2;
  }
  // Each line of a task's progress reaches its log as it is printed, and a
  // crash loses at most a partial line.
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  try {
    return taskfs::exec::serve(argv[1], argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "taskfs-worker: %s\n", e.what());
    return 1;
  }
}
