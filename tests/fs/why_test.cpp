// Why a result would run, through the mount (xattr user.taskfs.why) and the
// command line (taskfs why), computing nothing.
#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

using WhyTest = MountTest;

TEST_F(WhyTest, AParamChangeIsExplainedByTheXattrAndTheCommandAlike) {
  ASSERT_EQ(sh("cat mnt/total/default").out, "15\n");
  std::string expected = "param total.scale is 2 (cached run: 1)\n";
  EXPECT_EQ(xattr("mnt/total/scale:2", "user.taskfs.why"), expected);
  Finished why = run({kTaskfs, "why", "total/scale:2", "--tasks", kFsTasks});
  ASSERT_TRUE(why.succeeded()) << why.err;
  EXPECT_EQ(why.out, expected);
  EXPECT_EQ(state("mnt/total/scale:2"), "missing") << "asking why computed it";
  EXPECT_EQ(runs("total"), 1);
}

TEST_F(WhyTest, ACachedResultSaysWhenItWasComputed) {
  ASSERT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_EQ(xattr("mnt/total/default", "user.taskfs.why").rfind("cached: computed ", 0), 0u);
}

TEST_F(WhyTest, AFileEditIsNamedThroughTheMount) {
  ASSERT_TRUE(sh("cat mnt/words/default").succeeded());
  write_file("data/words.txt", "delta epsilon\n");
  // The mount never reads an input file to answer a getxattr: it sees the
  // change by its stamp. The command asks the daemon serving the project,
  // which answers the same.
  EXPECT_EQ(xattr("mnt/words/default", "user.taskfs.why"),
            "file data/words.txt changed (modified since hashed)\n");
  Finished why = run({kTaskfs, "why", "words/default", "--tasks", kFsTasks});
  EXPECT_EQ(why.out, "file data/words.txt changed (modified since hashed)\n") << why.err;
}

TEST_F(WhyTest, AnUnknownPathIsAUsageError) {
  Finished why = run({kTaskfs, "why", "nosuchtask", "--tasks", kFsTasks});
  EXPECT_EQ(why.exit_code(), 2) << why.err;
}

}  // namespace
}  // namespace taskfs::fstest
