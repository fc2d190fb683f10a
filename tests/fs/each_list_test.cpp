// .each of a file list through a real mount and `taskfs run` (SPEC 6): one
// run per file a list file names (or the code lists), each element named by
// its path and cached on its own; the list file is an input, and a listed
// file that does not exist fails its own element only.
#include <csignal>
#include <filesystem>
#include <string>

#include "each_fixture.hpp"

namespace taskfs::fstest {
namespace {

class EachListTest : public EachProjectTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(EachProjectTest::SetUp());
    write_file("data/list.txt", "data/photos/b.txt\n\ndata/photos/a.txt\r\n");
  }
};

TEST_F(EachListTest, AListFileRunsOncePerListedFileNamedByItsPathInItsOrder) {
  Finished ls = sh("ls -U mnt/listed/default");  // -U: the directory's order
  ASSERT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_EQ(ls.out, "data%2Fphotos%2Fb.txt\ndata%2Fphotos%2Fa.txt\n");
  EXPECT_EQ(sh("cat mnt/listed/default/data%2Fphotos%2Fa.txt").out, "HI!");
  EXPECT_EQ(runs("listed"), 1) << "that element only";
  EXPECT_EQ(sh("cat mnt/listed_joined/default").out,
            "data/photos/b.txt=YO!\ndata/photos/a.txt=HI!\n");
  EXPECT_EQ(runs("listed"), 2);
  EXPECT_EQ(taskfs_run("listed/default").out, "YO!HI!");
  EXPECT_EQ(taskfs_run("listed/default/data%2Fphotos%2Fb.txt").out, "YO!");
  ASSERT_TRUE(end_daemon(SIGTERM).succeeded());
  EXPECT_EQ(taskfs_run("listed/default/data%2Fphotos%2Fb.txt").out, "YO!") << "without a daemon";
  EXPECT_EQ(runs("listed"), 2) << "every element was cached";
}

TEST_F(EachListTest, EditingTheListFileRelistsAndRunsTheNewFileOnly) {
  ASSERT_EQ(sh("cat mnt/listed_joined/default").out,
            "data/photos/b.txt=YO!\ndata/photos/a.txt=HI!\n");
  write_file("data/c.txt", "new");
  write_file("data/list.txt", "data/photos/a.txt\ndata/c.txt\ndata/photos/b.txt\n");
  EXPECT_EQ(sh("cat mnt/listed_joined/default").out,
            "data/photos/a.txt=HI!\ndata/c.txt=NEW!\ndata/photos/b.txt=YO!\n");
  EXPECT_EQ(runs("listed"), 3) << "data/c.txt only";
  write_file("data/list.txt", "data/c.txt\n");
  EXPECT_EQ(sh("cat mnt/listed_joined/default").out, "data/c.txt=NEW!\n");
  EXPECT_EQ(sh("ls -U mnt/listed/default").out, "data%2Fc.txt\n");
  EXPECT_EQ(runs("listed"), 3);
  write_file("data/c.txt", "edited");
  EXPECT_EQ(sh("cat mnt/listed_joined/default").out, "data/c.txt=EDITED!\n");
  EXPECT_EQ(runs("listed"), 4);
}

// The second read of a cached whole trusts the keys the first found
// (engine/probe.cpp): the .each over the list must still be keyed again.
TEST_F(EachListTest, EditsAfterReadsOfTheCachedWholeAreSeen) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(sh("cat mnt/listed_joined/default").out,
              "data/photos/b.txt=YO!\ndata/photos/a.txt=HI!\n");
  }
  write_file("data/photos/a.txt", "edited");
  EXPECT_EQ(sh("cat mnt/listed_joined/default").out,
            "data/photos/b.txt=YO!\ndata/photos/a.txt=EDITED!\n");
  EXPECT_EQ(sh("cat mnt/listed_joined/default").out,
            "data/photos/b.txt=YO!\ndata/photos/a.txt=EDITED!\n");
  write_file("data/list.txt", "data/photos/a.txt\n");
  EXPECT_EQ(sh("cat mnt/listed_joined/default").out, "data/photos/a.txt=EDITED!\n");
}

TEST_F(EachListTest, AListedFileThatDoesNotExistFailsItsOwnReadOnly) {
  write_file("data/list.txt", "data/photos/a.txt\ndata/gone.txt\ndata/photos/b.txt\n");
  EXPECT_EQ(sh("ls -U mnt/listed/default").out,
            "data%2Fphotos%2Fa.txt\ndata%2Fgone.txt\ndata%2Fphotos%2Fb.txt\n")
      << "a name for every listed file";
  Finished gone = sh("cat mnt/listed/default/data%2Fgone.txt");
  EXPECT_FALSE(gone.succeeded());
  EXPECT_NE(gone.err.find("No such file"), std::string::npos) << gone.err;
  EXPECT_NE(daemon_log().find("input file 'data/gone.txt' (listed in 'data/list.txt') does not "
                              "exist"),
            std::string::npos)
      << daemon_log();
  EXPECT_EQ(sh("cat mnt/listed/default/data%2Fphotos%2Fb.txt").out, "YO!");
  Finished whole = sh("cat mnt/listed_joined/default");
  EXPECT_FALSE(whole.succeeded());
  EXPECT_NE(whole.err.find("Input/output error"), std::string::npos) << whole.err;
  Finished run = taskfs_run("listed/default");
  EXPECT_EQ(run.exit_code(), 1);
  EXPECT_NE(run.err.find("'data/gone.txt' (listed in 'data/list.txt') does not exist"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(runs("listed"), 2) << "the two files that exist, each once";
  EXPECT_EQ(failed_runs("listed"), 0) << "no worker ran for the missing file";
  write_file("data/gone.txt", "back");
  EXPECT_EQ(sh("cat mnt/listed_joined/default").out,
            "data/photos/a.txt=HI!\ndata/gone.txt=BACK!\ndata/photos/b.txt=YO!\n");
  EXPECT_EQ(runs("listed"), 3);
}

TEST_F(EachListTest, AListThatNamesAFileTwiceIsAClearError) {
  write_file("data/list.txt", "data/photos/a.txt\ndata/photos/a.txt\n");
  Finished whole = sh("cat mnt/listed_joined/default");
  EXPECT_FALSE(whole.succeeded());
  Finished run = taskfs_run("listed/default");
  EXPECT_EQ(run.exit_code(), 1);
  EXPECT_NE(run.err.find("its file list 'data/list.txt' names 'data/photos/a.txt' twice"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(runs("listed"), 0);
}

TEST_F(EachListTest, FilesGivenInTheCodeRunInTheirOrder) {
  EXPECT_EQ(sh("ls -U mnt/fixed/default").out, "data%2Fphotos%2Fb.txt\ndata%2Fphotos%2Fa.txt\n");
  EXPECT_EQ(sh("cat mnt/fixed/default/data%2Fphotos%2Fa.txt").out, "HI?");
  EXPECT_EQ(sh("cat mnt/fixed/default/*").out, "HI?YO?") << "the shell sorts the names";
  EXPECT_EQ(runs("fixed"), 2);
  Finished unlisted = sh("cat mnt/fixed/default/data%2Flist.txt");
  EXPECT_FALSE(unlisted.succeeded());
  EXPECT_NE(unlisted.err.find("No such file"), std::string::npos) << unlisted.err;
}

}  // namespace
}  // namespace taskfs::fstest
