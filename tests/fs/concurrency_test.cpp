// Readers at the same time: one computation for many readers, a mount that
// answers while a task computes, and Ctrl-C on a blocked reader. The slow task
// waits for a gate file, so every "still computing" below holds by construction.
#include <signal.h>

#include <string>
#include <vector>

#include "mount_fixture.hpp"
#include "system_probes.hpp"

namespace taskfs::fstest {
namespace {

class ConcurrencyTest : public MountTest {
 protected:
  // Starts `count` readers (cat) of `file`.
  std::vector<Child*> start_readers(const std::string& file, int count) {
    std::vector<Child*> readers;
    for (int i = 0; i < count; ++i) readers.push_back(&start({"cat", file}));
    return readers;
  }

  // Waits until every reader waits in open() and the file's task runs.
  bool all_wait_on(const std::vector<Child*>& readers, const std::string& file) {
    bool blocked = eventually([&] {
      for (Child* reader : readers) {
        if (!blocked_in_fuse_open(reader->pid())) return false;
      }
      return true;
    });
    // A reader waits in open() a moment before the daemon has started the task.
    return blocked && eventually([&] { return state(file) == "running"; });
  }

  // Ctrl-C on a reader blocked in open(): it must end at once, having read nothing.
  void interrupt(Child& reader) {
    reader.send(SIGINT);
    ASSERT_TRUE(reader.wait_for(std::chrono::seconds(5))) << "cat ignored Ctrl-C";
    Finished ended = reader.finished();
    EXPECT_TRUE(ended.signal() == SIGINT || ended.exit_code() > 0) << "status " << ended.status;
    EXPECT_EQ(ended.out, "");
  }

  // Waits for every reader and checks that it printed `bytes`.
  void expect_all_read(const std::vector<Child*>& readers, const std::string& bytes) {
    for (Child* reader : readers) {
      ASSERT_TRUE(reader->wait_for()) << "a reader never finished";
      Finished cat = reader->finished();
      EXPECT_TRUE(cat.succeeded()) << cat.err;
      EXPECT_EQ(cat.out, bytes);
    }
  }
};

std::string slow_output(const std::string& gate) { return "slept 0 ms, gate '" + gate + "'\n"; }

TEST_F(ConcurrencyTest, TenConcurrentReadersOfAMissingFileGetItsBytesFromASingleRun) {
  const std::string file = gated_file("ten");
  std::vector<Child*> readers = start_readers(file, 10);
  ASSERT_TRUE(all_wait_on(readers, file)) << "the ten readers never all waited; " << state(file);
  open_gate("ten");
  expect_all_read(readers, slow_output("ten"));
  EXPECT_EQ(runs("slow"), 1);
}

TEST_F(ConcurrencyTest, TwoMissingFilesComputeAtTheSameTime) {
  std::vector<Child*> readers_a = start_readers(gated_file("a"), 1);
  std::vector<Child*> readers_b = start_readers(gated_file("b"), 1);
  // Neither can finish before its gate opens: both running at once is parallelism.
  EXPECT_TRUE(eventually([&] {
    return read_file("mnt/.taskfs/status").find("running: 2\n") != std::string::npos;
  })) << read_file("mnt/.taskfs/status");
  open_gate("a");
  open_gate("b");
  expect_all_read(readers_a, slow_output("a"));
  expect_all_read(readers_b, slow_output("b"));
}

TEST_F(ConcurrencyTest, ListingStatusAndOtherReadsAnswerWhileATaskComputes) {
  ASSERT_EQ(sh("cat mnt/total/default").out, "15\n");
  const std::string file = gated_file("busy");
  Child& slow_reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] {
    return read_file("mnt/.taskfs/status").find("slow/gate:busy  for ") != std::string::npos;
  })) << "the slow task never started";

  Finished ls = sh("ls mnt");
  Finished cached = sh("cat mnt/total/default");
  Finished missing = sh("cat mnt/total/scale:5");
  Finished status = sh("cat mnt/.taskfs/status");
  EXPECT_TRUE(slow_reader.running()) << "the slow read finished before the others";
  EXPECT_NE(ls.out.find("total\n"), std::string::npos) << ls.out << ls.err;
  EXPECT_EQ(cached.out, "15\n") << cached.err;
  EXPECT_EQ(missing.out, "75\n") << missing.err;
  EXPECT_NE(status.out.find("running: 1\n  slow/gate:busy  for "), std::string::npos) << status.out;

  open_gate("busy");
  ASSERT_TRUE(slow_reader.wait_for());
  EXPECT_EQ(slow_reader.finished().out, slow_output("busy"));
}

TEST_F(ConcurrencyTest, CtrlCStopsABlockedReaderWhileTheComputationGoesOnAndIsCached) {
  const std::string file = gated_file("ctrlc");
  std::vector<Child*> readers = start_readers(file, 1);
  ASSERT_TRUE(all_wait_on(readers, file)) << state(file);
  ASSERT_NO_FATAL_FAILURE(interrupt(*readers.front()));
  EXPECT_EQ(state(file), "running") << "the gate is closed: the task cannot have finished";

  open_gate("ctrlc");
  EXPECT_TRUE(eventually([&] { return state(file) == "cached"; })) << state(file);
  EXPECT_EQ(sh("cat " + file).out, slow_output("ctrlc"));
  EXPECT_EQ(runs("slow"), 1);
}

TEST_F(ConcurrencyTest, CtrlCOnOneReaderLeavesTheOthersWaitingForTheBytes) {
  const std::string file = gated_file("ctrlc");
  std::vector<Child*> readers = start_readers(file, 3);
  ASSERT_TRUE(all_wait_on(readers, file)) << state(file);
  ASSERT_NO_FATAL_FAILURE(interrupt(*readers.front()));
  readers.erase(readers.begin());
  for (Child* reader : readers) EXPECT_TRUE(reader->running()) << "a reader stopped waiting too";

  open_gate("ctrlc");
  expect_all_read(readers, slow_output("ctrlc"));
  EXPECT_EQ(runs("slow"), 1);
}

}  // namespace
}  // namespace taskfs::fstest
