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

using ConcurrencyTest = MountTest;

std::string slow_output(const std::string& gate) { return "slept 0 ms, gate '" + gate + "'\n"; }

TEST_F(ConcurrencyTest, TenConcurrentReadersOfAMissingFileGetItsBytesFromASingleRun) {
  const std::string file = gated_file("ten");
  std::vector<Child*> readers;
  for (int i = 0; i < 10; ++i) readers.push_back(&start({"cat", file}));
  ASSERT_TRUE(eventually([&] {
    for (Child* reader : readers) {
      if (!blocked_in_fuse_open(reader->pid())) return false;
    }
    return true;
  })) << "the ten readers never all waited in open()";
  // A reader waits in open() a moment before the daemon has started the task.
  EXPECT_TRUE(eventually([&] { return state(file) == "running"; })) << state(file);

  open_gate("ten");
  for (Child* reader : readers) {
    ASSERT_TRUE(reader->wait_for()) << "a reader never finished";
    Finished cat = reader->finished();
    EXPECT_TRUE(cat.succeeded()) << cat.err;
    EXPECT_EQ(cat.out, slow_output("ten"));
  }
  EXPECT_EQ(runs("slow"), 1);
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
  Child& reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] { return blocked_in_fuse_open(reader.pid()); }));
  ASSERT_TRUE(eventually([&] { return state(file) == "running"; })) << state(file);

  reader.send(SIGINT);
  ASSERT_TRUE(reader.wait_for(std::chrono::seconds(5))) << "cat ignored Ctrl-C";
  Finished interrupted = reader.finished();
  EXPECT_TRUE(interrupted.signal() == SIGINT || interrupted.exit_code() > 0)
      << "status " << interrupted.status;
  EXPECT_EQ(interrupted.out, "");
  EXPECT_EQ(state(file), "running") << "the gate is closed: the task cannot have finished";

  open_gate("ctrlc");
  EXPECT_TRUE(eventually([&] { return state(file) == "cached"; })) << state(file);
  EXPECT_EQ(sh("cat " + file).out, slow_output("ctrlc"));
  EXPECT_EQ(runs("slow"), 1);
}

}  // namespace
}  // namespace taskfs::fstest
