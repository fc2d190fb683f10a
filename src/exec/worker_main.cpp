// taskfs-worker: loads a task library and runs batches of tasks on request
// (exec/worker_batch.cpp), storing each result itself so that large values
// never cross the pipe. Requests arrive on fd 3, replies leave on fd 4; while
// a task runs, its stdout and stderr go to fd 5, which its coordinator keeps
// as the run's log.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <thread>

#include "exec/protocol.hpp"
#include "plugin/task_library.hpp"
#include "worker_batch.hpp"  // of this program, not of the exec module

namespace taskfs::exec {
namespace {

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

int serve(const std::string& library_path, const std::string& store_dir, bool send_catalog) {
  end_with_coordinator();
  std::unique_ptr<TaskLibrary> library;
  CatalogMessage catalog;
  catalog.run_end_mark = make_run_end_mark();
  try {
    library = std::make_unique<TaskLibrary>(library_path);
    if (send_catalog) catalog.tasks = library->catalog();
  } catch (const std::exception& e) {
    catalog.error = e.what();
  }
  send(kReplyFd, catalog);
  if (!library) return 1;

  BatchRunner runner(*library, store_dir, catalog.run_end_mark);
  RunBatch batch;
  while (receive(kRequestFd, batch)) runner.run(batch);
  return 0;
}

}  // namespace
}  // namespace taskfs::exec

int main(int argc, char** argv) {
  bool send_catalog = argc == 4 && std::strcmp(argv[3], taskfs::exec::kSendCatalog) == 0;
  if (argc != 3 && !send_catalog) {
    std::fprintf(stderr,
                 "usage: taskfs-worker LIBRARY STORE_DIR [--catalog] (started by taskfs, not by "
                 "hand)\n");
    return 2;
  }
  // Each line of a task's progress reaches its log as it is printed, and a
  // crash loses at most a partial line.
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  try {
    return taskfs::exec::serve(argv[1], argv[2], send_catalog);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "taskfs-worker: %s\n", e.what());
    return 1;
  }
}
