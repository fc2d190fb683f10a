#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "../common/file_io.hpp"

extern char** environ;

namespace taskfs::fstest {
namespace {

std::runtime_error system_error(const std::string& what, int error) {
  return std::runtime_error(what + ": " + std::strerror(error));
}

}  // namespace

bool Finished::succeeded() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
int Finished::exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
int Finished::signal() const { return WIFSIGNALED(status) ? WTERMSIG(status) : 0; }

Child::Child(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
             Capture capture)
    : capture_(std::move(capture)) {
  constexpr int kFlags = O_WRONLY | O_CREAT | O_APPEND;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, capture_.out.c_str(), kFlags, 0644);
  if (capture_.err == capture_.out) {
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, capture_.err.c_str(), kFlags, 0644);
  }
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  // Signals as in a terminal, whatever this test process inherited (Ctrl-C must kill a cat).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int rc = ::posix_spawnp(&pid_, args[0], &actions, &attributes, args.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw system_error("cannot start " + argv[0], rc);
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) throw system_error("pidfd_open", errno);
}

Child::~Child() {
  if (running()) {
    send(SIGKILL);
    wait_for(std::chrono::seconds(5));
  }
  ::close(pidfd_);
}

bool Child::running() { return !wait_for(std::chrono::milliseconds(0)); }

bool Child::wait_for(std::chrono::milliseconds timeout) {
  if (status_) return true;
  pollfd exit{pidfd_, POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    int n = ::poll(&exit, 1, static_cast<int>(std::max<long>(left.count(), 0)));
    if (n > 0) break;
    if (n == 0) return false;
    if (errno != EINTR) throw system_error("poll", errno);
  }
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) throw system_error("waitpid", errno);
  }
  status_ = status;
  return true;
}

void Child::send(int signal) {
  if (!status_) ::syscall(SYS_pidfd_send_signal, pidfd_, signal, nullptr, 0);
}

Finished Child::finished() const {
  if (!status_) throw std::logic_error("Child::finished() before the program exited");
  return {*status_, test::read_file_or_empty(capture_.out),
          capture_.err == capture_.out ? "" : test::read_file_or_empty(capture_.err)};
}

Finished run_program(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                     Capture capture, std::chrono::milliseconds timeout) {
  Child child(argv, cwd, std::move(capture));
  if (!child.wait_for(timeout)) {
    child.send(SIGKILL);
    child.wait_for();
  }
  return child.finished();
}

}  // namespace taskfs::fstest
