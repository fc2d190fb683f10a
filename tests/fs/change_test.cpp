// A live mount follows its inputs: a rebuilt task library and an edited input
// file are seen by the next read, without a remount, recomputing only what changed.
#include <filesystem>
#include <string>

#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {
namespace fs = std::filesystem;

// Mounts a copy of the task library that the test then "rebuilds".
class LibraryChangeTest : public ProjectTest {
 protected:
  void SetUp() override {
    ProjectTest::SetUp();
    install_library(kFsTasks);
    ASSERT_NO_FATAL_FAILURE(mount(library()));
  }

  fs::path library() const { return root() / "lib" / "libtasks.so"; }

  // Replaces the library the way a linker does: a new file renamed over the old.
  void install_library(const fs::path& build) const {
    fs::create_directories(library().parent_path());
    fs::path partial = library().string() + ".tmp";
    fs::copy_file(build, partial, fs::copy_options::overwrite_existing);
    fs::rename(partial, library());
  }
};

TEST_F(LibraryChangeTest, RebuildRecomputesOnlyTheEditedTaskAndItsDependents) {
  EXPECT_EQ(sh("cat mnt/report/default").out, "total: 15\n");
  EXPECT_EQ(sh("cat mnt/words/default").out, "alpha\nbeta\ngamma\n");

  install_library(kFsTasksEdited);  // numbers now gives 10, 20, ...
  EXPECT_EQ(sh("cat mnt/report/default").out, "total: 150\n");
  EXPECT_EQ(sh("cat mnt/total/default").out, "150\n");
  EXPECT_EQ(sh("cat mnt/words/default").out, "alpha\nbeta\ngamma\n");
  EXPECT_EQ(runs("numbers"), 2);  // edited
  EXPECT_EQ(runs("total"), 2);    // depends on the edited task
  EXPECT_EQ(runs("words"), 1);    // same file, untouched
}

TEST_F(LibraryChangeTest, RestoringThePreviousBuildServesItsResultsFromTheCache) {
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  install_library(kFsTasksEdited);
  EXPECT_EQ(sh("cat mnt/total/default").out, "150\n");
  install_library(kFsTasks);
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_EQ(runs("numbers"), 2);
  EXPECT_EQ(runs("total"), 2);
}

TEST_F(LibraryChangeTest, RebuildWhileATaskRunsLetsThatReadFinish) {
  const std::string file = gated_file("rebuild");
  Child& reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] {
    return read_file("mnt/.taskfs/status").find("slow/gate:rebuild  for ") != std::string::npos;
  })) << "the slow task never started";

  install_library(kFsTasksEdited);
  EXPECT_EQ(sh("cat mnt/total/default").out, "150\n");
  open_gate("rebuild");
  ASSERT_TRUE(reader.wait_for());
  Finished cat = reader.finished();
  EXPECT_TRUE(cat.succeeded()) << cat.err;
  EXPECT_EQ(cat.out, "slept 0 ms, gate 'rebuild'\n");
}

TEST_F(LibraryChangeTest, LibraryWrittenInPlaceIsLoadedOnceComplete) {
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  std::string edited = read_file(kFsTasksEdited.string());
  fs::remove(library());  // as ld does before it writes its output
  write_file("lib/libtasks.so", std::string_view(edited).substr(0, edited.size() / 2));
  Finished ls = sh("ls mnt");
  EXPECT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_NE(ls.out.find("total\n"), std::string::npos)
      << "a half-written library emptied the mount";

  write_file("lib/libtasks.so", edited);
  EXPECT_EQ(sh("cat mnt/total/default").out, "150\n");
}

using InputChangeTest = MountTest;

TEST_F(InputChangeTest, EditedInputFileIsRecomputedOnTheNextRead) {
  EXPECT_EQ(sh("cat mnt/words/default").out, "alpha\nbeta\ngamma\n");
  write_file("data/words.txt", "delta omega zeta\n");  // same size, edited in place
  EXPECT_EQ(sh("cat mnt/words/default").out, "delta\nomega\nzeta\n");
  EXPECT_EQ(runs("words"), 2);
  EXPECT_EQ(sh("cat mnt/words/default").out, "delta\nomega\nzeta\n");
  EXPECT_EQ(runs("words"), 2);
}

TEST_F(InputChangeTest, InputFileReplacedByRenameIsRecomputedOnTheNextRead) {
  EXPECT_EQ(sh("cat mnt/words/default").out, "alpha\nbeta\ngamma\n");
  write_file("data/words.txt.swp", "kappa lambda\n");  // as an editor saves
  fs::rename(root() / "data/words.txt.swp", root() / "data/words.txt");
  EXPECT_EQ(sh("cat mnt/words/default").out, "kappa\nlambda\n");
}

TEST_F(InputChangeTest, NewFileMatchingAGlobIsSeenOnTheNextRead) {
  EXPECT_EQ(sh("cat mnt/listing/default").out, "notes.txt\nwords.txt\n");
  write_file("data/more.txt", "more\n");
  EXPECT_EQ(sh("cat mnt/listing/default").out, "more.txt\nnotes.txt\nwords.txt\n");
}

}  // namespace
}  // namespace taskfs::fstest
