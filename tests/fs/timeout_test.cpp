// Stuck tasks never hold a worker for good: a task's timeout (.timeout() or
// task_timeout in taskfs.ini) and `taskfs cancel` kill its worker's process
// group, its readers get EIO, and the next read finds a free worker.
#include <signal.h>
#include <sys/syscall.h>

#include <string>

#include "mount_fixture.hpp"
#include "system_probes.hpp"

namespace taskfs::fstest {
namespace {

class StuckTaskTest : public ProjectTest {
 protected:
  // One worker: a task that kept it would stop every other read.
  void mount_one_worker() { ASSERT_NO_FATAL_FAILURE(mount(kFsTasks, /*jobs=*/1)); }

  // True once the single worker sleeps in the slow task's wait for its gate.
  bool worker_waits_for_gate() {
    for (pid_t pid : workers()) {
      if (current_syscall(pid) == SYS_clock_nanosleep) return true;
    }
    return false;
  }
};

TEST_F(StuckTaskTest, TaskPastItsOwnTimeoutFailsWithIoErrorAndFreesTheWorker) {
  mount_one_worker();
  // `hang` never returns; it declares .timeout(1).
  Finished cat = sh("cat mnt/hang/default");
  EXPECT_NE(cat.err.find("Input/output error"), std::string::npos) << cat.err;
  EXPECT_NE(xattr("mnt/hang/default", "user.taskfs.error").find("timeout of 1 s"),
            std::string::npos)
      << xattr("mnt/hang/default", "user.taskfs.error");
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n") << "the worker was not freed";
}

TEST_F(StuckTaskTest, StoppedWorkerIsCaughtByTheDefaultTimeoutOfTaskfsIni) {
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\ntask_timeout = 1\n");
  mount_one_worker();
  const std::string file = gated_file("stopped");
  Child& reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] { return worker_waits_for_gate(); })) << "the task never started";
  for (pid_t pid : workers()) ::kill(pid, SIGSTOP);

  ASSERT_TRUE(reader.wait_for()) << "a stopped worker hung its reader";
  EXPECT_NE(reader.finished().err.find("Input/output error"), std::string::npos)
      << reader.finished().err;
  EXPECT_NE(xattr(file, "user.taskfs.error").find("timeout"), std::string::npos);
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n") << "the worker was not freed";
}

TEST_F(StuckTaskTest, CancelStopsARunningComputationAndItsReaders) {
  mount_one_worker();
  const std::string file = gated_file("cancelled");
  Child& reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] { return worker_waits_for_gate(); })) << "the task never started";

  Finished cancel = run({kTaskfs, "cancel", file.substr(std::string("mnt/").size())});
  EXPECT_TRUE(cancel.succeeded()) << cancel.err;
  ASSERT_TRUE(reader.wait_for()) << "the reader still waits after the cancel";
  EXPECT_NE(reader.finished().err.find("Input/output error"), std::string::npos)
      << reader.finished().err;
  EXPECT_NE(xattr(file, "user.taskfs.error").find("cancelled"), std::string::npos);
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n") << "the worker was not freed";
  EXPECT_EQ(runs("slow"), 0);
}

TEST_F(StuckTaskTest, CancelThroughTheMountIsAnXattrRead) {
  mount_one_worker();
  const std::string file = gated_file("by_xattr");
  Child& reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] { return worker_waits_for_gate(); })) << "the task never started";

  Finished cancel = sh("getfattr --only-values -n user.taskfs.cancel " + file);
  EXPECT_TRUE(cancel.succeeded()) << cancel.err;
  EXPECT_NE(cancel.out.find("cancelled"), std::string::npos) << cancel.out;
  ASSERT_TRUE(reader.wait_for()) << "the reader still waits after the cancel";
  // Listing the attributes never cancels anything.
  EXPECT_EQ(sh("getfattr -d mnt/total/default").out.find("cancel"), std::string::npos);
}

TEST_F(StuckTaskTest, CancelOfNothingRunningSaysSoAndExitsOne) {
  mount_one_worker();
  Finished cancel = run({kTaskfs, "cancel", "total/default"});
  EXPECT_EQ(cancel.exit_code(), 1);
  EXPECT_NE(cancel.err.find("nothing"), std::string::npos) << cancel.err;
}

}  // namespace
}  // namespace taskfs::fstest
