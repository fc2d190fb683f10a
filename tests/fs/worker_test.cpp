// Worker processes run the task code. A worker that dies fails at most the read
// it was running, and the mount goes on with fresh workers.
#include <signal.h>
#include <sys/syscall.h>

#include <string>

#include "mount_fixture.hpp"
#include "system_probes.hpp"

namespace taskfs::fstest {
namespace {

class WorkerTest : public ProjectTest {
 protected:
  // One worker, so that the test knows which process runs what.
  void SetUp() override {
    ProjectTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(mount(kFsTasks, /*jobs=*/1));
  }

  // SIGKILLs every worker, as the OOM killer might, and waits until they are
  // dead (a signal is delivered, not obeyed, at once); false if there was none.
  bool kill_workers() {
    std::vector<pid_t> pids = workers();
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    for (pid_t pid : pids) {
      if (!eventually([pid] { return !process_alive(pid); })) return false;
    }
    return !pids.empty();
  }

  // True once some worker sleeps in the slow task's wait for its gate.
  bool worker_runs_slow_task() {
    for (pid_t pid : workers()) {
      if (current_syscall(pid) == SYS_clock_nanosleep) return true;
    }
    return false;
  }
};

TEST_F(WorkerTest, WorkerKilledWhileRunningATaskFailsThatReadWithIoError) {
  const std::string file = gated_file("killed");
  Child& reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] { return worker_runs_slow_task(); })) << "the task never started";
  ASSERT_TRUE(kill_workers());

  ASSERT_TRUE(reader.wait_for()) << "the read never ended";
  Finished cat = reader.finished();
  EXPECT_NE(cat.exit_code(), 0);
  EXPECT_NE(cat.err.find("Input/output error"), std::string::npos) << cat.err;
  EXPECT_NE(xattr(file, "user.taskfs.error").find("signal 9"), std::string::npos)
      << xattr(file, "user.taskfs.error");

  open_gate("killed");
  EXPECT_EQ(sh("cat " + file).out, "slept 0 ms, gate 'killed'\n");
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_EQ(runs("slow"), 1);
}

TEST_F(WorkerTest, WorkerThatCrashesAfterForkingFailsItsReadAndTakesTheChildAlong) {
  // The child inherits the worker's reply pipe: a worker's death seen as the
  // pipe's end would wait for the child, that is forever.
  Finished cat = sh("cat mnt/crash/fork:true");
  EXPECT_NE(cat.err.find("Input/output error"), std::string::npos) << cat.err;
  std::string forked = read_file("forked.pid");
  ASSERT_FALSE(forked.empty()) << "the task never forked";
  pid_t child = std::stoi(forked);
  EXPECT_TRUE(eventually([&] { return !process_alive(child); }))
      << "the task's child " << child << " outlived its worker";
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
}

TEST_F(WorkerTest, WorkerKilledWhileIdleDoesNotFailTheNextRead) {
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  ASSERT_TRUE(kill_workers());

  Finished cat = sh("cat mnt/total/scale:2");
  EXPECT_TRUE(cat.succeeded()) << cat.err;
  EXPECT_EQ(cat.out, "30\n");
  EXPECT_EQ(failed_runs("total"), 0) << "a task that never ran was recorded as failed";
}

}  // namespace
}  // namespace taskfs::fstest
