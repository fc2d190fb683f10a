// taskfs-worker: loads a task library and runs tasks on request, storing each
// result itself so that large values never cross the pipe. Requests arrive on
// fd 3, replies leave on fd 4; the task's own stdout and stderr go to the log.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <thread>

#include "clock.hpp"
#include "exec/protocol.hpp"
#include "exec/stored_collections.hpp"
#include "key/file_stamp.hpp"
#include "plugin/task_library.hpp"
#include "store/store.hpp"

namespace taskfs::exec {
namespace {

constexpr int kRequestFd = 3;
constexpr int kReplyFd = 4;

// The worker's store, opened at its first run, and the collections task code
// makes in it.
struct WorkerStore {
  explicit WorkerStore(const std::string& dir) : store(dir), collections(store) {}
  Store store;
  StoredCollections collections;
};

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
  std::vector<std::string> upstream_bytes;
  for (const auto& hash : request.upstream) upstream_bytes.push_back(store.read_blob(hash));
  std::vector<std::string_view> upstream(upstream_bytes.begin(), upstream_bytes.end());

  auto start = std::chrono::steady_clock::now();
  detail::Invocation out;
  try {
    out = task->def->invoke(upstream, request.params);
  } catch (...) {
    stores.collections.abandon_run();  // what it appended is never served
    throw;
  }
  reply.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
  if (out.collection) {
    reply.result = stores.collections.finish_run(out.collection.get(), result);
    reply.collection = true;
    return;
  }
  stores.collections.abandon_run();
  // The authoring API's view, as the store keeps it: here is the one place
  // that knows both.
  FileView view{out.view.is_value_suffix, out.view.suffix_offset, std::move(out.view.text)};
  reply.result = store.put_result(result, out.value, view);
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
  RunRequest request;
  while (receive(kRequestFd, request)) {
    RunReply reply;
    reply.started = epoch_seconds();
    try {
      if (!store) {
        store = std::make_unique<WorkerStore>(store_dir);
        store->collections.install(library->collection_hooks());
      }
      run_task(*library, *store, request, reply);
    } catch (const std::exception& e) {
      reply.error = e.what();
    } catch (...) {
      reply.error = "the task threw a non-standard exception";
    }
    std::fflush(stdout);
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
  try {
    return taskfs::exec::serve(argv[1], argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "taskfs-worker: %s\n", e.what());
    return 1;
  }
}
