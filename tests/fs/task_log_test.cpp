// What tasks print, through the mount (.taskfs/log/<task>/<variant>) and the
// command line (taskfs log): the latest run's output, growing while the task
// runs, kept up to a crash, bounded to its last bytes, and never mixed into
// the daemon log or into the result that `taskfs run` prints.
#include <string>

#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

// What `chatty` prints with `lines` at n.
std::string chatty_output(int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) {
    out += "line " + std::to_string(i) + " of " + std::to_string(n) + "\n";
  }
  return out + "chatty: done printing\n";
}

class TaskLogTest : public ProjectTest {
 protected:
  // The log of "task/variant" as the mount shows it.
  std::string mount_log(const std::string& path) const {
    return read_file("mnt/.taskfs/log/" + path);
  }
  Finished taskfs_log(const std::string& path) {
    return run({kTaskfs, "log", path, "--tasks", kFsTasks});
  }
};

class MountedTaskLogTest : public TaskLogTest {
 protected:
  void SetUp() override {
    TaskLogTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(mount());
  }
};

TEST_F(MountedTaskLogTest, WhatARunPrintedIsItsLogInTheMountAndForTheCommand) {
  ASSERT_EQ(sh("cat mnt/chatty/default").out, "3\n");
  EXPECT_EQ(mount_log("chatty/default"), chatty_output(3));
  EXPECT_EQ(mount_log("chatty/lines:3"), chatty_output(3)) << "another spelling, another file";
  Finished log = taskfs_log("chatty/default");
  ASSERT_TRUE(log.succeeded()) << log.err;
  EXPECT_EQ(log.out, chatty_output(3));
  EXPECT_EQ(sh("ls mnt/.taskfs/log/chatty").out, "default\n");
  EXPECT_EQ(daemon_log().find("line 1 of 3"), std::string::npos) << daemon_log();
}

TEST_F(MountedTaskLogTest, TwoVariantsRunningAtOnceKeepTheirOutputApart) {
  gated_file("apart");  // registers the gate, opened at teardown whatever happens
  Child& two = start({"cat", "mnt/chatty/lines:2,gate:apart"});
  Child& four = start({"cat", "mnt/chatty/lines:4,gate:apart"});
  // Both have printed and wait at the gate: they run at once, one per worker.
  ASSERT_TRUE(eventually([&] {
    return mount_log("chatty/lines:2,gate:apart") == chatty_output(2) &&
           mount_log("chatty/lines:4,gate:apart") == chatty_output(4);
  })) << mount_log("chatty/lines:2,gate:apart")
      << "---\n"
      << mount_log("chatty/lines:4,gate:apart");
  open_gate("apart");
  ASSERT_TRUE(two.wait_for() && four.wait_for());
  EXPECT_EQ(two.finished().out, "2\n");
  EXPECT_EQ(four.finished().out, "4\n");
  EXPECT_EQ(mount_log("chatty/lines:2,gate:apart"), chatty_output(2));
  EXPECT_EQ(mount_log("chatty/lines:4,gate:apart"), chatty_output(4));
}

TEST_F(MountedTaskLogTest, TailFollowsTheLogOfARunningTaskWhileItsReaderWaits) {
  gated_file("tail");
  // tail starts first: the log appears, then grows, under the file it opened.
  start({"sh", "-c", "exec tail -f -s 0.05 mnt/.taskfs/log/chatty/gate:tail > tail.out"});
  Child& reader = start({"cat", "mnt/chatty/gate:tail"});
  ASSERT_TRUE(eventually([&] { return read_file("tail.out") == chatty_output(3); }))
      << "tail -f showed: " << read_file("tail.out");
  EXPECT_TRUE(reader.running()) << "the result was read before its task finished";
  open_gate("tail");
  ASSERT_TRUE(reader.wait_for());
  EXPECT_EQ(reader.finished().out, "3\n");
}

TEST_F(MountedTaskLogTest, ATaskThatCrashesKeepsWhatItPrintedBeforeTheCrash) {
  Finished cat = sh("cat mnt/chatty/crash:true");
  EXPECT_NE(cat.err.find("Input/output error"), std::string::npos) << cat.err;
  EXPECT_EQ(mount_log("chatty/crash:true"), chatty_output(3));
  EXPECT_EQ(taskfs_log("chatty/crash:true").out, chatty_output(3));
}

TEST_F(TaskLogTest, EachRunOfABatchHasItsOwnLogUpToACrashAmongThem) {
  ASSERT_NO_FATAL_FAILURE(mount(kFsTasks, /*jobs=*/1));  // the six talkers: one batch
  Finished crashed = sh("cat mnt/talk/talker_2=crash:true");
  EXPECT_NE(crashed.err.find("Input/output error"), std::string::npos) << crashed.err;
  EXPECT_EQ(mount_log("talker_2/crash:true"), "talker 2\n");
  ASSERT_EQ(sh("cat mnt/talk/default").out, "15\n");
  for (int i = 0; i < 6; ++i) {
    std::string talker = "talker_" + std::to_string(i);
    EXPECT_EQ(mount_log(talker + "/default"), "talker " + std::to_string(i) + "\n") << talker;
    EXPECT_EQ(runs(talker), 1) << talker;
  }
}

// A result forgotten by rm or evicted by gc takes its log along (the store
// stays in bounds, logs included); a result that stays keeps its log.
TEST_F(MountedTaskLogTest, RmAndGcTakeTheLogOfTheResultTheyForget) {
  ASSERT_EQ(sh("cat mnt/chatty/lines:2").out, "2\n");
  ASSERT_EQ(sh("cat mnt/chatty/lines:4").out, "4\n");
  ASSERT_EQ(mount_log("chatty/lines:2"), chatty_output(2));
  Finished rm = run({kTaskfs, "rm", "chatty/lines:2"});
  ASSERT_TRUE(rm.succeeded()) << rm.err;
  EXPECT_EQ(sh("ls mnt/.taskfs/log/chatty").out, "lines:4\n");
  EXPECT_NE(taskfs_log("chatty/lines:2").err.find("no output"), std::string::npos);

  Finished gc = run({kTaskfs, "gc", "--max-size", "1"});
  ASSERT_TRUE(gc.succeeded()) << gc.err;
  EXPECT_EQ(sh("ls mnt/.taskfs/log/chatty").out, "");
  // The next run has a log again.
  ASSERT_EQ(sh("cat mnt/chatty/lines:4").out, "4\n");
  EXPECT_EQ(mount_log("chatty/lines:4"), chatty_output(4));
}

TEST_F(TaskLogTest, ALogPastItsCapKeepsTheLastBytesAndSaysHowManyWereDropped) {
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\ntask_log_max_size = 4K\n");
  ASSERT_NO_FATAL_FAILURE(mount());
  ASSERT_EQ(sh("cat mnt/chatty/lines:5000").out, "5000\n");
  std::string all = chatty_output(5000);
  std::string expected = "[taskfs: " + std::to_string(all.size() - 4096) +
                         " bytes of earlier output dropped; the last 4096 are kept]\n" +
                         all.substr(all.size() - 4096);
  EXPECT_EQ(mount_log("chatty/lines:5000"), expected);
}

TEST_F(TaskLogTest, TaskfsRunPrintsOnlyTheResultAndItsLogHasWhatTheTaskPrinted) {
  Finished result = run({kTaskfs, "run", "chatty/lines:2", "--tasks", kFsTasks});
  ASSERT_TRUE(result.succeeded()) << result.err;
  EXPECT_EQ(result.out, "2\n");
  EXPECT_EQ(result.err.find("line 1 of 2"), std::string::npos) << result.err;
  Finished log = taskfs_log("chatty/lines:2");
  ASSERT_TRUE(log.succeeded()) << log.err;
  EXPECT_EQ(log.out, chatty_output(2));
}

TEST_F(TaskLogTest, APathThatNeverRanHasNoOutputAndABadPathIsAUsageError) {
  Finished never = taskfs_log("chatty/lines:7");
  EXPECT_TRUE(never.succeeded()) << never.err;
  EXPECT_EQ(never.out, "");
  EXPECT_NE(never.err.find("no output"), std::string::npos) << never.err;
  EXPECT_EQ(taskfs_log("chatty/nosuch:1").exit_code(), 2);
}

TEST_F(TaskLogTest, AMalformedLogCapIsAUsageErrorNamingTheKey) {
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\ntask_log_max_size = lots\n");
  Finished mount = run(mount_command(mountpoint(), kFsTasks, /*foreground=*/false));
  EXPECT_EQ(mount.exit_code(), 2);
  EXPECT_NE(mount.err.find("task_log_max_size"), std::string::npos) << mount.err;
  EXPECT_FALSE(mounted(mountpoint()));
}

}  // namespace
}  // namespace taskfs::fstest
