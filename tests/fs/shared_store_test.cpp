// Processes sharing a store compute a key once (issue 15, point 8): the second
// waits for the first's lock on the key, then takes what it stored; a run
// beside a daemon of the project goes through the daemon instead.
#include <sys/syscall.h>

#include <filesystem>
#include <string>

#include "mount_fixture.hpp"
#include "system_probes.hpp"

namespace taskfs::fstest {
namespace {

class SharedStoreTest : public ProjectTest {
 protected:
  std::vector<std::string> run_command(const std::string& path) const {
    return {kTaskfs, "run", path, "--tasks", kFsTasks, "-j", "1"};
  }

  // True once a worker of process `pid` is in system call `call`.
  static bool worker_in(pid_t pid, long call) {
    for (pid_t child : child_processes(pid)) {
      std::error_code ec;
      if (std::filesystem::read_symlink("/proc/" + std::to_string(child) + "/exe", ec).filename() ==
              "taskfs-worker" &&
          current_syscall(child) == call) {
        return true;
      }
    }
    return false;
  }
};

TEST_F(SharedStoreTest, TwoRunsOfTheSameKeyAtOnceComputeItOnce) {
  gated_file("shared");
  Child& first = start(run_command("slow/gate:shared"));
  ASSERT_TRUE(eventually([&] { return worker_in(first.pid(), SYS_clock_nanosleep); }))
      << "the first run never started the task";
  Child& second = start(run_command("slow/gate:shared"));
  ASSERT_TRUE(eventually([&] { return worker_in(second.pid(), SYS_flock); }))
      << "the second run did not wait for the first";

  open_gate("shared");
  ASSERT_TRUE(first.wait_for() && second.wait_for());
  EXPECT_EQ(first.finished().out, "slept 0 ms, gate 'shared'\n") << first.finished().err;
  EXPECT_EQ(second.finished().out, first.finished().out) << second.finished().err;
  EXPECT_EQ(runs("slow"), 1);
}

// With a daemon serving the project, taskfs run reads through its mount: it
// waits in the open for the daemon's computation and starts no worker.
TEST_F(SharedStoreTest, ARunWhileTheDaemonComputesWaitsForItThroughTheMount) {
  ASSERT_NO_FATAL_FAILURE(mount());
  const std::string file = gated_file("daemon");
  Child& reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] { return worker_in(daemon_pid(), SYS_clock_nanosleep); }))
      << "the daemon never started the task";
  Child& run = start(run_command("slow/gate:daemon"));
  ASSERT_TRUE(eventually([&] { return current_syscall(run.pid()) == SYS_openat; }))
      << "taskfs run did not wait in the mount";
  EXPECT_TRUE(child_processes(run.pid()).empty()) << "taskfs run started a worker";

  open_gate("daemon");
  ASSERT_TRUE(reader.wait_for() && run.wait_for());
  EXPECT_EQ(run.finished().out, "slept 0 ms, gate 'daemon'\n") << run.finished().err;
  EXPECT_EQ(reader.finished().out, run.finished().out);
  EXPECT_EQ(runs("slow"), 1);
}

}  // namespace
}  // namespace taskfs::fstest
