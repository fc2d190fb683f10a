// Programs the tests run: started with posix_spawn, their output captured in
// files, waited for with a deadline (a pidfd polled for the exit, no sleeps).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace taskfs::fstest {

// How long any single wait of the tests may last before it counts as a failure.
inline constexpr std::chrono::milliseconds kPatience{20'000};

// How a program ended and what it printed.
struct Finished {
  int status = 0;  // as waitpid(2) reports it
  std::string out;
  std::string err;

  bool succeeded() const;  // exited with status 0
  int exit_code() const;   // -1 when killed by a signal
  int signal() const;      // 0 when it exited
};

// Where a program's standard output and error go (the same file is fine).
struct Capture {
  std::filesystem::path out;
  std::filesystem::path err;
};

class Child {
 public:
  // Starts argv (argv[0] is looked up in PATH) in `cwd`, stdin from /dev/null.
  Child(const std::vector<std::string>& argv, const std::filesystem::path& cwd, Capture capture);
  // Kills and reaps the program if it still runs (the reap is bounded).
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // True until the program has exited.
  bool running();
  // Waits at most `timeout` for the exit; true if the program has exited.
  bool wait_for(std::chrono::milliseconds timeout = kPatience);
  void send(int signal);
  // How it ended; only after it has (see wait_for).
  Finished finished() const;

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> status_;
  Capture capture_;
};

// Runs argv to its end, killing it after `timeout`; a program killed for
// running late ends with SIGKILL in its status.
Finished run_program(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                     Capture capture, std::chrono::milliseconds timeout = kPatience);

}  // namespace taskfs::fstest
