// Input files are hashed off the FUSE threads: stat, getxattr and lookups
// never read one (SPEC 2, "stat never computes"), and a reader waiting for a
// slow input can be interrupted. The slow input here is a file of the mount
// itself, which blocks until the test opens its gate: a stand-in for a huge
// file or a hung disk that the test controls.
#include <signal.h>

#include <string>

#include "mount_fixture.hpp"
#include "system_probes.hpp"

namespace taskfs::fstest {
namespace {

class InputHashingTest : public MountTest {
 protected:
  // mnt/words/text:<the gated file, percent-encoded>: reading it needs the
  // gated file's content.
  std::string words_of_gated_file(const std::string& gate) {
    gated_file(gate);
    return "mnt/words/text:mnt%2Fslow%2Fgate%3A" + gate;
  }
};

TEST_F(InputHashingTest, StatAndXattrsOfAPathWhoseInputBlocksAnswerAtOnce) {
  const std::string file = words_of_gated_file("stat");
  Child& stat = start({"stat", "-c", "%s", file});
  ASSERT_TRUE(stat.wait_for()) << "stat waited for its input file to be read";
  EXPECT_EQ(stat.finished().out, "0\n");
  Child& why = start({"getfattr", "-n", "user.taskfs.why", file});
  ASSERT_TRUE(why.wait_for()) << "the why xattr waited for its input file to be read";
  EXPECT_EQ(state(file), "missing");
  EXPECT_EQ(runs("slow"), 0);
}

TEST_F(InputHashingTest, ReaderWaitingForItsInputToBeHashedCanBeKilled) {
  const std::string file = words_of_gated_file("killed");
  Child& reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] { return blocked_in_fuse_open(reader.pid()); }));
  reader.send(SIGKILL);
  EXPECT_TRUE(reader.wait_for()) << "a killed reader stayed stuck in the mount";
  // Other reads go on meanwhile.
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");

  open_gate("killed");
  // The computation went on. (The first run after the gate may fail: the
  // gated file's stamp changes when it gets computed, which a task sees as
  // its input changing while it ran; a real input file stays put.)
  EXPECT_TRUE(
      eventually([&] { return sh("cat " + file).out == "slept\n0\nms,\ngate\n'killed'\n"; }));
}

}  // namespace
}  // namespace taskfs::fstest
