// The GoogleTest fixtures of the filesystem tests: a temporary taskfs project
// with a real FUSE mount served by a real `taskfs mount` daemon, and helpers
// that run programs in it. TearDown always unmounts, stops the daemon, reaps
// every program and removes the project, even when a test fails.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.hpp"

namespace taskfs::fstest {

// The programs and libraries under test (compile definitions from CMake).
inline const std::filesystem::path kTaskfs = TASKFS_CLI;
inline const std::filesystem::path kFsTasks = FS_TASKS_LIBRARY;
inline const std::filesystem::path kFsTasksEdited = FS_TASKS_EDITED_LIBRARY;

// A temporary project: data/ with input files, store/, mnt/. Nothing mounted.
class ProjectTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // --- the project
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path mountpoint() const { return root_ / "mnt"; }
  std::filesystem::path store() const { return root_ / "store"; }
  // Writes a file of the project in place (truncating it, as an editor may).
  void write_file(std::string_view relative, std::string_view bytes) const;
  std::string read_file(std::string_view relative) const;  // or an absolute path

  // --- the daemon
  // Starts `taskfs mount --foreground -j <jobs>` on `mountpoint` (the daemon
  // this fixture tears down) and waits until the mount answers.
  void mount(const std::filesystem::path& library = kFsTasks, int jobs = 2);
  // The `taskfs mount` command line for `mountpoint`, `library` and the store.
  std::vector<std::string> mount_command(const std::filesystem::path& mountpoint,
                                         const std::filesystem::path& library, bool foreground,
                                         int jobs = 2) const;
  // Waits for the daemon started by mount() to exit and reaps it; how it ended.
  Finished wait_daemon();
  // Sends `signal` to that daemon, then wait_daemon(). A SIGKILLed daemon
  // leaves its mount behind.
  Finished end_daemon(int signal);
  // The worker processes of the daemon started by mount().
  std::vector<pid_t> workers() const;
  // That daemon's pid.
  pid_t daemon_pid() const;
  bool mounted(const std::filesystem::path& path) const;
  std::string daemon_log() const;

  // --- programs, run in the project root
  Finished sh(const std::string& command);
  Finished run(const std::vector<std::string>& argv);
  // Starts a program in the background; the fixture owns it.
  Child& start(const std::vector<std::string>& argv);

  // --- what the store and the mount say
  std::int64_t runs(const std::string& task) const;         // successful executions
  std::int64_t failed_runs(const std::string& task) const;  // failed executions
  // An xattr of a file of the mount, "mnt/<task>/<variant>"; "" when it has none.
  std::string xattr(std::string_view relative, const std::string& name) const;
  std::string state(std::string_view relative) const;  // user.taskfs.state
  // Polls `condition` until it holds; false when `timeout` ran out first.
  static bool eventually(const std::function<bool()>& condition,
                         std::chrono::milliseconds timeout = kPatience);

  // --- gates: "mnt/slow/gate:<gate>" computes until the test opens its gate
  std::string gated_file(const std::string& gate);
  void open_gate(const std::string& gate) const;

 private:
  Capture next_capture();
  void stop_daemon();
  void remove_mounts();
  void expect_no_sanitizer_report() const;

  std::filesystem::path root_;
  std::filesystem::path io_;  // captured output of the programs
  int captures_ = 0;
  std::unique_ptr<Child> daemon_;
  std::deque<Child> children_;
  std::set<std::string> gates_;
};

// A project with the fixture library mounted before every test.
class MountTest : public ProjectTest {
 protected:
  void SetUp() override {
    ProjectTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(mount());
  }
};

}  // namespace taskfs::fstest
