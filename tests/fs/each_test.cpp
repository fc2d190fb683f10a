// .each through a real mount and `taskfs run` (SPEC 6): one run per file of a
// glob or per element of an upstream collection, each element cached on its
// own, sealed into a collection whose directory lists them.
#include <csignal>
#include <filesystem>
#include <string>

#include "each_fixture.hpp"

namespace taskfs::fstest {
namespace {

using EachTest = EachProjectTest;

TEST_F(EachTest, AGlobRunsOncePerFileNamedBelowItsDirectory) {
  Finished ls = sh("ls mnt/shout/default");
  ASSERT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_EQ(ls.out, "a.txt\nb.txt\n");
  EXPECT_EQ(sh("cat mnt/shout/default/a.txt").out, "HI!");
  EXPECT_EQ(sh("cat mnt/shout/mark:%3F/b.txt").out, "YO?");
  EXPECT_EQ(runs("shout"), 2);
  EXPECT_EQ(sh("cat mnt/joined/default").out, "a.txt=HI!\nb.txt=YO!\n");
  EXPECT_EQ(runs("shout"), 3) << "b.txt of the default variant only";
  Finished all = taskfs_run("shout/default");
  ASSERT_TRUE(all.succeeded()) << all.err;
  EXPECT_EQ(all.out, "HI!YO!");
  EXPECT_EQ(taskfs_run("shout/default/b.txt").out, "YO!");
  EXPECT_EQ(runs("shout"), 3) << "every element was cached";
}

TEST_F(EachTest, AddingAFileToTheGlobRunsThatElementOnly) {
  ASSERT_EQ(sh("cat mnt/joined/default").out, "a.txt=HI!\nb.txt=YO!\n");
  ASSERT_EQ(runs("shout"), 2);
  write_file("data/photos/c.txt", "new");
  EXPECT_EQ(sh("ls mnt/shout/default").out, "a.txt\nb.txt\nc.txt\n");
  EXPECT_EQ(sh("cat mnt/joined/default").out, "a.txt=HI!\nb.txt=YO!\nc.txt=NEW!\n");
  EXPECT_EQ(runs("shout"), 3);
  write_file("data/photos/a.txt", "edited");
  EXPECT_EQ(sh("cat mnt/joined/default").out, "a.txt=EDITED!\nb.txt=YO!\nc.txt=NEW!\n");
  EXPECT_EQ(runs("shout"), 4) << "the edited file only";
  EXPECT_EQ(runs("joined"), 3);
}

// No entry of an .each directory over files is kept by the kernel: right
// after a listing and a read, an edited or added file is seen at once.
TEST_F(EachTest, AnEditedOrAddedFileIsSeenAtOnceAfterAListing) {
  ASSERT_EQ(sh("cat mnt/joined/default").out, "a.txt=HI!\nb.txt=YO!\n");
  ASSERT_EQ(sh("ls -l mnt/shout/default | grep -c ' 3 '").out, "2\n");
  ASSERT_EQ(sh("cat mnt/shout/default/a.txt").out, "HI!");
  write_file("data/photos/a.txt", "edited");
  EXPECT_EQ(sh("cat mnt/shout/default/a.txt").out, "EDITED!");
  EXPECT_EQ(sh("stat -c %s mnt/shout/default/a.txt").out, "7\n");
  write_file("data/photos/c.txt", "new");
  EXPECT_EQ(sh("ls mnt/shout/default").out, "a.txt\nb.txt\nc.txt\n");
  EXPECT_EQ(sh("cat mnt/shout/default/c.txt").out, "NEW!");
  EXPECT_EQ(runs("shout"), 4);
}

TEST_F(EachTest, AGlobThatLosesAFileDropsThatElement) {
  ASSERT_EQ(sh("cat mnt/joined/default").out, "a.txt=HI!\nb.txt=YO!\n");
  std::filesystem::remove(root() / "data/photos/b.txt");
  EXPECT_EQ(sh("ls mnt/shout/default").out, "a.txt\n");
  Finished gone = sh("cat mnt/shout/default/b.txt");
  EXPECT_FALSE(gone.succeeded());
  EXPECT_NE(gone.err.find("No such file"), std::string::npos) << gone.err;
  EXPECT_EQ(sh("cat mnt/joined/default").out, "a.txt=HI!\n");
  EXPECT_EQ(runs("shout"), 2) << "a.txt was cached";
}

TEST_F(EachTest, AFileNameThatNeedsPercentEncodingRoundTrips) {
  write_file("data/photos/x y%.txt", "odd");
  EXPECT_EQ(sh("ls mnt/shout/default").out, "a.txt\nb.txt\nx%20y%25.txt\n");
  EXPECT_EQ(sh("cat 'mnt/shout/default/x%20y%25.txt'").out, "ODD!");
  EXPECT_EQ(sh("cat mnt/joined/default").out, "a.txt=HI!\nb.txt=YO!\nx y%.txt=ODD!\n");
  EXPECT_EQ(taskfs_run("shout/default/x%20y%25.txt").out, "ODD!");
  EXPECT_EQ(runs("shout"), 3);
}

TEST_F(EachTest, AnEmptySourceIsAnEmptyDirectory) {
  std::filesystem::remove_all(root() / "data/photos");
  Finished ls = sh("ls -A mnt/shout/default");
  ASSERT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_EQ(ls.out, "");
  EXPECT_EQ(sh("cat mnt/joined/default").out, "");
  Finished none = sh("ls -A mnt/doubled/numbers=n:0");
  ASSERT_TRUE(none.succeeded()) << none.err;
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(runs("shout") + runs("doubled"), 0);
}

TEST_F(EachTest, AnUpstreamCollectionRunsOncePerElementWithItsNames) {
  EXPECT_EQ(sh("ls mnt/doubled/default").out, "0\n1\n2\n3\n");
  EXPECT_EQ(sh("cat mnt/doubled/default/2").out, "40\n");
  EXPECT_EQ(sh("cat mnt/doubled/plus:1/3").out, "61\n");
  EXPECT_EQ(sh("cat mnt/total/default").out, "60\n") << ".each of an .each, then a view of it";
  EXPECT_EQ(runs("doubled"), 5) << "one, one, then the three others of the default";
  EXPECT_EQ(runs("halved"), 4);
  EXPECT_EQ(runs("numbers"), 1);
}

TEST_F(EachTest, ChangingOneUpstreamElementRunsThatElementOnly) {
  ASSERT_EQ(sh("cat mnt/total/default").out, "60\n");
  ASSERT_EQ(runs("doubled"), 4);
  EXPECT_EQ(sh("cat mnt/total/numbers=bump:2").out, "61\n");
  EXPECT_EQ(runs("numbers"), 2);
  EXPECT_EQ(runs("doubled"), 5);
  EXPECT_EQ(runs("halved"), 5);
  EXPECT_EQ(sh("cat mnt/doubled/numbers=bump:2/2").out, "42\n");
  EXPECT_EQ(sh("cat mnt/doubled/numbers=bump:2/1").out, "20\n");
}

TEST_F(EachTest, RenamingUpstreamElementsWithTheSameContentRunsNothing) {
  EXPECT_EQ(taskfs_run("named_doubled/default").out, "0\n20\n40\n");
  ASSERT_EQ(runs("named_doubled"), 3);
  EXPECT_EQ(sh("ls mnt/named_doubled/named=prefix:m").out, "m0\nm1\nm2\n");
  EXPECT_EQ(taskfs_run("named_doubled/named=prefix:m").out, "0\n20\n40\n");
  EXPECT_EQ(sh("cat mnt/named_doubled/named=prefix:m/m2").out, "40\n");
  EXPECT_EQ(runs("named"), 2);
  EXPECT_EQ(runs("named_doubled"), 3) << "the elements' keys do not hold their names";
}

TEST_F(EachTest, ACrashInOneElementFailsTheWholeAndKeepsTheOthers) {
  write_file("data/photos/c.txt", "crash");
  EXPECT_EQ(sh("ls mnt/shout/default").out, "a.txt\nb.txt\nc.txt\n") << "names only";
  Finished whole = sh("cat mnt/joined/default");
  EXPECT_FALSE(whole.succeeded());
  EXPECT_NE(whole.err.find("Input/output error"), std::string::npos) << whole.err;
  EXPECT_EQ(runs("shout"), 2) << "a.txt and b.txt were stored";
  EXPECT_EQ(failed_runs("shout"), 1);
  Finished run = taskfs_run("shout/default");
  EXPECT_NE(run.err.find("element 'c.txt'"), std::string::npos) << run.err;
  EXPECT_EQ(runs("shout"), 2);
}

TEST_F(EachTest, TaskfsRunWithoutADaemonComputesOneElementOnly) {
  ASSERT_TRUE(end_daemon(SIGTERM).succeeded());
  Finished one = taskfs_run("shout/default/b.txt");
  ASSERT_TRUE(one.succeeded()) << one.err;
  EXPECT_EQ(one.out, "YO!");
  EXPECT_EQ(runs("shout"), 1);
  Finished unknown = taskfs_run("shout/default/z.txt");
  EXPECT_EQ(unknown.exit_code(), 1);
  EXPECT_NE(unknown.err.find("no element 'z.txt'"), std::string::npos) << unknown.err;
  EXPECT_EQ(taskfs_run("shout/default").out, "HI!YO!");
  EXPECT_EQ(runs("shout"), 2);
}

}  // namespace
}  // namespace taskfs::fstest
