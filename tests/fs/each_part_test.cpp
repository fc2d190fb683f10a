// Parts of an .each collection through a real mount (SPEC 6): reading one
// element computes that element only, listing computes the names only, stat
// never computes, the directory says how much of it is cached, and Ctrl-C on
// a reader of one element ends its read at once.
#include <csignal>
#include <filesystem>
#include <string>

#include "each_fixture.hpp"

namespace taskfs::fstest {
namespace {

using EachPartTest = EachProjectTest;

TEST_F(EachPartTest, ReadingOneElementComputesThatElementOnly) {
  EXPECT_EQ(sh("cat mnt/shout/default/b.txt").out, "YO!");
  EXPECT_EQ(runs("shout"), 1);
  EXPECT_EQ(state("mnt/shout/default"), "partial");
  EXPECT_EQ(xattr("mnt/shout/default", "user.taskfs.progress"), "1/2");
  EXPECT_EQ(sh("cat mnt/doubled/default/3").out, "60\n");
  EXPECT_EQ(runs("numbers"), 1) << "what the element needs";
  EXPECT_EQ(runs("doubled"), 1);
  EXPECT_EQ(sh("ls mnt/shout/default").out, "a.txt\nb.txt\n");
  EXPECT_EQ(sh("cat mnt/shout/default/a.txt").out, "HI!");
  EXPECT_EQ(runs("shout"), 2);
  EXPECT_EQ(sh("cat mnt/joined/default").out, "a.txt=HI!\nb.txt=YO!\n");
  EXPECT_EQ(runs("shout"), 2) << "the collection is sealed from the cached elements";
  EXPECT_EQ(state("mnt/shout/default"), "cached");
}

TEST_F(EachPartTest, ListingComputesTheNamesOnlyAndStatNothing) {
  EXPECT_EQ(sh("stat -c %F mnt/shout/default").out, "directory\n");
  EXPECT_EQ(sh("stat -c %s mnt/shout/default/a.txt").out, "0\n");
  EXPECT_EQ(sh("ls mnt/shout/default").out, "a.txt\nb.txt\n");
  EXPECT_EQ(sh("ls mnt/doubled/default").out, "0\n1\n2\n3\n");
  Finished ls = sh("ls -l mnt/shout/default | grep -c '^-r--r--r-- .* 0 '");
  EXPECT_EQ(ls.out, "2\n") << sh("ls -l mnt/shout/default").out;
  EXPECT_EQ(runs("shout"), 0);
  EXPECT_EQ(runs("doubled"), 0);
  EXPECT_EQ(runs("numbers"), 1) << "the names of doubled are numbers' elements";
  EXPECT_EQ(state("mnt/shout/default"), "missing");
  EXPECT_EQ(xattr("mnt/shout/default", "user.taskfs.progress"), "0/2");
  ASSERT_EQ(sh("cat mnt/shout/default/a.txt").out, "HI!");
  EXPECT_EQ(sh("stat -c %s mnt/shout/default/a.txt").out, "3\n") << "a cached element's size";
  EXPECT_EQ(sh("stat -c %s mnt/shout/default/b.txt").out, "0\n");
  EXPECT_EQ(runs("shout"), 1);
}

TEST_F(EachPartTest, AnUnknownElementIsNoSuchFile) {
  for (const char* path : {"mnt/shout/default/c.txt", "mnt/doubled/default/4"}) {
    Finished cat = sh(std::string("cat ") + path);
    EXPECT_FALSE(cat.succeeded()) << path;
    EXPECT_NE(cat.err.find("No such file"), std::string::npos) << path << ": " << cat.err;
  }
  EXPECT_EQ(runs("shout") + runs("doubled"), 0);
}

TEST_F(EachPartTest, ACrashInOneElementFailsThatElementsReadAndNoOther) {
  write_file("data/photos/c.txt", "crash");
  Finished crashed = sh("cat mnt/shout/default/c.txt");
  EXPECT_FALSE(crashed.succeeded());
  EXPECT_NE(crashed.err.find("Input/output error"), std::string::npos) << crashed.err;
  EXPECT_EQ(sh("cat mnt/shout/default/a.txt").out, "HI!");
  EXPECT_EQ(sh("cat mnt/shout/default/b.txt").out, "YO!");
  EXPECT_EQ(failed_runs("shout"), 1);
  EXPECT_EQ(runs("shout"), 2);
  EXPECT_EQ(xattr("mnt/shout/default", "user.taskfs.progress"), "2/3");
}

// While a whole .each runs, its directory's progress counts the elements
// done so far: k/n rising, not 0/n until it is sealed.
TEST_F(EachPartTest, ProgressCountsTheElementsDoneWhileTheWholeRuns) {
  gated_file("g1");  // opened at TearDown whatever happens
  write_file("data/photos/g.txt", "gate:g1");
  Child& reader = start({"cat", "mnt/joined/default"});
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(root() / "g1.started"); }))
      << "the gated element never started";
  std::string progress;
  EXPECT_TRUE(eventually([&] {
    progress = xattr("mnt/shout/default", "user.taskfs.progress");
    return progress == "2/3";
  })) << "progress while g.txt runs: "
      << progress;
  EXPECT_EQ(state("mnt/shout/default"), "running");
  open_gate("g1");
  ASSERT_TRUE(reader.wait_for(std::chrono::seconds(30)));
  EXPECT_EQ(reader.finished().out, "a.txt=HI!\nb.txt=YO!\ng.txt=GATE:G1!\n");
  EXPECT_EQ(xattr("mnt/shout/default", "user.taskfs.progress"), "3/3");
  EXPECT_EQ(state("mnt/shout/default"), "cached");
}

// Ctrl-C on the reader of one element of a large .each while that element
// runs: the read ends at once, nothing half-made is stored, the next read
// completes (with the run the first one started).
TEST_F(EachPartTest, CtrlCWhileOneElementRunsEndsTheReadAndTheNextReadCompletes) {
  for (int i = 0; i < 200; ++i) write_file("data/photos/f" + std::to_string(i) + ".txt", "x");
  gated_file("g1");  // opened at TearDown whatever happens
  write_file("data/photos/g.txt", "gate:g1");
  Child& reader = start({"cat", "mnt/shout/default/g.txt"});
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(root() / "g1.started"); }))
      << "the element never started";
  reader.send(SIGINT);
  ASSERT_TRUE(reader.wait_for(std::chrono::seconds(5))) << "cat ignored Ctrl-C";
  Finished ended = reader.finished();
  EXPECT_TRUE(ended.signal() == SIGINT || ended.exit_code() > 0) << "status " << ended.status;
  EXPECT_EQ(ended.out, "");
  EXPECT_EQ(runs("shout"), 0) << "nothing stored while it runs";
  EXPECT_EQ(xattr("mnt/shout/default", "user.taskfs.progress"), "0/203");
  open_gate("g1");
  EXPECT_EQ(sh("cat mnt/shout/default/g.txt").out, "GATE:G1!");
  EXPECT_EQ(sh("cat mnt/shout/default/f7.txt").out, "X!");
  EXPECT_EQ(runs("shout"), 2);
}

}  // namespace
}  // namespace taskfs::fstest
