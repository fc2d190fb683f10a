#include "exec/worker_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

extern char** environ;

namespace taskfs::exec {
namespace {

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return std::string("the task's worker process was killed by signal ") + std::to_string(sig) +
           " (" + ::strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) {
    return "the task's worker process exited with status " + std::to_string(WEXITSTATUS(status));
  }
  return "the task's worker process ended";
}

}  // namespace

std::string default_worker_executable() {
  if (const char* env = std::getenv("TASKFS_WORKER")) return env;
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "taskfs-worker").string();
}

WorkerProcess::WorkerProcess(const WorkerConfig& config, bool with_catalog) {
  int to_worker[2], from_worker[2];
  if (::pipe2(to_worker, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("cannot create worker pipes: ") + std::strerror(errno));
  }
  Fd request_read(to_worker[0]);
  request_ = Fd(to_worker[1]);
  if (::pipe2(from_worker, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("cannot create worker pipes: ") + std::strerror(errno));
  }
  reply_ = Fd(from_worker[0]);
  Fd reply_write(from_worker[1]);
  int from_task[2];
  if (::pipe2(from_task, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("cannot create worker pipes: ") + std::strerror(errno));
  }
  output_ = Fd(from_task[0]);
  Fd output_write(from_task[1]);
  // Only this end: the task writes to its own end as any program does, blocking.
  ::fcntl(output_.get(), F_SETFL, O_NONBLOCK);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, request_read.get(), kRequestFd);
  posix_spawn_file_actions_adddup2(&actions, reply_write.get(), kReplyFd);
  posix_spawn_file_actions_adddup2(&actions, output_write.get(), kTaskOutputFd);
  posix_spawn_file_actions_adddup2(&actions, config.log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, config.log_fd, 2);
  posix_spawn_file_actions_addchdir_np(&actions, config.project_root.c_str());
  std::vector<char*> argv{const_cast<char*>(config.worker_executable.c_str()),
                          const_cast<char*>(config.library.c_str()),
                          const_cast<char*>(config.store_dir.c_str())};
  if (with_catalog) argv.push_back(const_cast<char*>(kSendCatalog));
  argv.push_back(nullptr);
  // A worker may be spawned from a libfuse thread, which blocks the stop
  // signals, and from a process that ignores SIGPIPE: task code gets neither.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  // Its own process group, so that what the task code starts goes with it.
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  int rc = ::posix_spawn(&pid_, config.worker_executable.c_str(), &actions, &attributes,
                         argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + config.worker_executable + ": " + std::strerror(rc));
  }
  // Only the worker holds these ends now: its exit is then seen as end of file.
  request_read.reset();
  reply_write.reset();
  output_write.reset();
  try {
    pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
    if (!pidfd_) throw std::runtime_error(std::string("pidfd_open: ") + std::strerror(errno));
    await_reply();
    if (!receive(reply_.get(), catalog_)) died();
  } catch (...) {
    // The destructor does not run for a half-built object: release here.
    release();
    throw;
  }
}

void WorkerProcess::release() {
  request_.reset();
  reply_.reset();
  output_.reset();
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);  // the worker's process group: it and what its tasks started
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  pidfd_.reset();
}

// A worker still busy with a task that nobody waits for is not waited for either.
WorkerProcess::~WorkerProcess() { release(); }

bool WorkerProcess::alive() {
  if (pid_ <= 0) return false;
  // WNOWAIT: the group is killed before the worker is reaped, while its id
  // cannot have been reused.
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
      info.si_pid == 0) {
    return true;
  }
  ::kill(-pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return false;
}

void WorkerProcess::died() {
  if (pid_ <= 0) throw WorkerDied("the task's worker process ended");
  // What the task started goes too; it may hold the reply pipe open. (The
  // worker itself may still run: a garbled reply.)
  ::kill(-pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  throw WorkerDied(describe_exit(status));
}

void WorkerProcess::kill() { ::syscall(SYS_pidfd_send_signal, pidfd_.get(), SIGKILL, nullptr, 0); }

void WorkerProcess::await_reply(const OutputSink* output, const RunClock* clock) {
  // The process, not the pipe, says the worker died: a child the task forked
  // inherits the pipe and would keep it open long after.
  pollfd watched[] = {{reply_.get(), POLLIN, 0},
                      {pidfd_.get(), POLLIN, 0},
                      {output != nullptr ? output_.get() : -1, POLLIN, 0}};
  for (;;) {
    int wait_ms = -1;
    if (clock != nullptr && clock->timeout_seconds > 0) {
      auto deadline = clock->started + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(clock->timeout_seconds));
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      wait_ms = static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, INT_MAX));
    }
    int ready = ::poll(watched, 3, wait_ms);
    if (ready < 0) {
      if (errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
      continue;
    }
    if (ready == 0) {
      // A stopped (SIGSTOP) worker is killed all the same.
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      std::ostringstream why;
      why << "the task ran past its timeout of " << clock->timeout_seconds
          << " s; its worker was killed";
      throw WorkerDied(why.str());
    }
    if ((watched[2].revents & POLLIN) != 0) {
      drain_output(*output);
    } else if (watched[2].revents != 0) {
      watched[2].fd = -1;  // every writer gone: nothing more will come
    }
    if (watched[0].revents == 0 && watched[1].revents == 0) continue;
    // The task's output was written before the reply, or before the death:
    // all of it is in the pipe now.
    if (output != nullptr) drain_output(*output);
    // A reply written just before the exit is still a reply.
    if (watched[0].revents == 0) died();
    return;
  }
}

void WorkerProcess::drain_output(const OutputSink& output) {
  // What the pipe holds now, and no more: a process the task started may
  // go on writing as fast as it is read.
  int pending = 0;
  if (::ioctl(output_.get(), FIONREAD, &pending) != 0) return;
  char buffer[64 * 1024];
  while (pending > 0) {
    ssize_t n =
        ::read(output_.get(), buffer, std::min(sizeof buffer, static_cast<std::size_t>(pending)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    output(std::string_view(buffer, static_cast<std::size_t>(n)));
    pending -= static_cast<int>(n);
  }
}

void WorkerProcess::run_batch(const RunBatch& batch, BatchListener& listener) {
  // Output that came between batches is no run's (a process a task left
  // behind printing after it ended): it must not open the next run's log.
  drain_output([](std::string_view) {});
  if (batch.runs.empty()) return;
  // Each run's end starts the next one's clock; after the last run, its
  // timeout bounds the storing of the results.
  struct RunEnds final : RunOutputListener {
    BatchListener& listener;
    const RunBatch& batch;
    RunClock clock;
    std::size_t current = 0;  // the run under way

    RunEnds(BatchListener& l, const RunBatch& b)
        : listener(l), batch(b), clock{b.runs[0].timeout_seconds, Clock::now()} {}
    void output(std::string_view bytes) override { listener.output(bytes); }
    void run_ended() override {
      listener.run_ended();
      current = std::min(current + 1, batch.runs.size() - 1);
      clock = {batch.runs[current].timeout_seconds, Clock::now()};
    }
  } ends(listener, batch);
  OutputSplitter splitter(catalog_.run_end_mark);
  OutputSink output = [&](std::string_view bytes) { splitter.feed(bytes, ends); };
  try {
    try {
      send(request_.get(), batch);
    } catch (const std::runtime_error&) {
      died();  // a broken pipe: the worker is gone; say how it died
    }
    for (std::size_t replied = 0; replied < batch.runs.size();) {
      await_reply(&output, &ends.clock);  // throws WorkerDied itself
      RunReplies replies;
      bool received = false;
      try {
        received = receive(reply_.get(), replies);
      } catch (const std::runtime_error&) {
      }
      // A broken or garbled reply: the worker is not to be trusted any more.
      if (!received || replies.replies.empty() ||
          replies.replies.size() > batch.runs.size() - replied) {
        died();
      }
      for (const RunReply& reply : replies.replies) {
        listener.replied(reply);
        ++replied;
      }
    }
  } catch (const WorkerDied&) {
    splitter.flush(ends);  // what the run under way printed last
    throw;
  }
}

}  // namespace taskfs::exec
