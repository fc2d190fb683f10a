// `taskfs run` in a project whose daemon is mounted: it reads each PATH
// through the mount, so the daemon computes (once, for every reader of the
// mount) and the command opens no store and starts no worker of its own.
#include <string>

#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

class RunWithDaemonTest : public ProjectTest {
 protected:
  void SetUp() override {
    ProjectTest::SetUp();
    write_file("taskfs.ini",
               "tasks = " + kFsTasks.string() + "\nstore = store\nmountpoint = mnt\n");
    ASSERT_NO_FATAL_FAILURE(mount());
  }

  // `taskfs run ARGS` in the project root with a worker program that cannot
  // start: whatever it prints, the daemon computed.
  Finished taskfs_run(const std::string& args) {
    return sh("TASKFS_WORKER=/nonexistent/taskfs-worker " + kTaskfs.string() + " run " + args);
  }
};

TEST_F(RunWithDaemonTest, RunIsComputedByTheDaemonAndPrinted) {
  Finished r = taskfs_run("total");
  EXPECT_EQ(r.exit_code(), 0) << r.err;
  EXPECT_EQ(r.out, "15\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(runs("total"), 1);
  EXPECT_EQ(state("mnt/total/default"), "cached");
}

TEST_F(RunWithDaemonTest, SeveralPathsComputeAtOnceAndPrintInTheOrderGiven) {
  Finished r = taskfs_run("total/numbers=n:3 numbers/n:2 total");
  EXPECT_EQ(r.exit_code(), 0) << r.err;
  EXPECT_EQ(r.out, "6\n1\n2\n15\n");
  EXPECT_EQ(runs("numbers"), 3);
}

TEST_F(RunWithDaemonTest, AFailedTaskExitsOneWithTheTasksErrorAndTheOthersStillPrint) {
  Finished r = taskfs_run("fail total");
  EXPECT_EQ(r.exit_code(), 1);
  EXPECT_EQ(r.out, "15\n");
  EXPECT_NE(r.err.find("fail/default"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the deliberate failure of the fs tests"), std::string::npos) << r.err;
}

TEST_F(RunWithDaemonTest, ABadPathIsStillAUsageErrorThatSaysWhy) {
  Finished r = sh(kTaskfs.string() + " run total/scale:many");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.err.find("scale"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  Finished outside = sh(kTaskfs.string() + " run ../store");
  EXPECT_EQ(outside.exit_code(), 2) << outside.out;
  EXPECT_EQ(outside.out, "");
}

TEST_F(RunWithDaemonTest, ADaemonOfAnotherStoreIsNotAsked) {
  Finished r = taskfs_run("total --store other-store");
  EXPECT_NE(r.exit_code(), 0) << "computed without a worker: " << r.out;
  EXPECT_EQ(runs("total"), 0);
}

TEST_F(RunWithDaemonTest, TheRootSaysWhichStoreAndLibraryTheDaemonServes) {
  EXPECT_EQ(sh("getfattr --only-values -n user.taskfs.store mnt").out, store().string());
  EXPECT_EQ(sh("getfattr --only-values -n user.taskfs.library mnt").out, kFsTasks.string());
}

}  // namespace
}  // namespace taskfs::fstest
