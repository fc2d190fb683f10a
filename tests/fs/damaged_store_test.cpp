// A damaged store never fails a path for good: a blob file deleted or
// truncated behind the store's back is a miss that recomputes, with a log
// line; `taskfs fsck` finds what only its hash can tell (a same-size
// overwrite); temporary files of killed writers go at mount.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {
namespace fs = std::filesystem;

class DamagedStoreTest : public ProjectTest {
 protected:
  // The blob files of the store: a result of 1 MiB lives in one.
  std::vector<fs::path> blob_files() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::recursive_directory_iterator(store() / "blobs")) {
      if (entry.is_regular_file()) found.push_back(entry.path());
    }
    return found;
  }

  // Reads the 1 MiB result, which the store keeps in one blob file.
  std::string read_big() { return sh("md5sum < mnt/big/default").out; }
};

TEST_F(DamagedStoreTest, DeletedBlobFileIsComputedAgainOnTheNextRead) {
  ASSERT_NO_FATAL_FAILURE(mount());
  std::string first = read_big();
  ASSERT_EQ(blob_files().size(), 1u);
  fs::remove(blob_files()[0]);

  EXPECT_EQ(read_big(), first);
  EXPECT_EQ(runs("big"), 2);
  EXPECT_NE(daemon_log().find("is missing"), std::string::npos) << daemon_log();
  EXPECT_EQ(read_big(), first);
  EXPECT_EQ(runs("big"), 2) << "computed again although cached";
}

TEST_F(DamagedStoreTest, TruncatedBlobFileIsComputedAgainOnTheNextRead) {
  ASSERT_NO_FATAL_FAILURE(mount());
  std::string first = read_big();
  ASSERT_EQ(blob_files().size(), 1u);
  fs::resize_file(blob_files()[0], 1000);

  EXPECT_EQ(read_big(), first);
  EXPECT_EQ(runs("big"), 2);
  EXPECT_NE(daemon_log().find("has 1000 bytes"), std::string::npos) << daemon_log();
}

TEST_F(DamagedStoreTest, FsckFindsASameSizeOverwriteAndTheNextReadRecomputes) {
  ASSERT_NO_FATAL_FAILURE(mount());
  std::string first = read_big();
  ASSERT_EQ(blob_files().size(), 1u);
  ASSERT_TRUE(sh("printf XXXX | dd of=" + blob_files()[0].string() +
                 " bs=1 seek=5000 conv=notrunc status=none")
                  .succeeded());

  Finished fsck = run({kTaskfs, "fsck"});
  EXPECT_EQ(fsck.exit_code(), 1) << fsck.err;
  EXPECT_NE(fsck.out.find("damaged: blob"), std::string::npos) << fsck.out;
  EXPECT_NE(fsck.out.find("1 damaged"), std::string::npos) << fsck.out;
  EXPECT_EQ(read_big(), first);  // the daemon knew it cached: it notices it is gone
  EXPECT_EQ(runs("big"), 2);

  Finished again = run({kTaskfs, "fsck"});
  EXPECT_TRUE(again.succeeded()) << again.out << again.err;
  EXPECT_NE(again.out.find(", 0 damaged"), std::string::npos) << again.out;
}

TEST_F(DamagedStoreTest, TemporaryFilesOfKilledWritersAreRemovedAtMount) {
  // A writer that is gone (a process that ran and exited), and a live one.
  Finished gone = sh("echo $$");
  std::string dead_pid = gone.out.substr(0, gone.out.find('\n'));
  fs::create_directories(store());
  ASSERT_TRUE(run({kTaskfs, "run", "total", "--tasks", kFsTasks}).succeeded());
  write_file("store/tmp/" + dead_pid + "-0", "half a result");
  write_file("store/tmp/" + std::to_string(::getpid()) + "-0", "being written");

  ASSERT_NO_FATAL_FAILURE(mount());
  EXPECT_FALSE(fs::exists(store() / "tmp" / (dead_pid + "-0")));
  EXPECT_TRUE(fs::exists(store() / "tmp" / (std::to_string(::getpid()) + "-0")));
  EXPECT_NE(daemon_log().find("removed 1 temporary file"), std::string::npos) << daemon_log();
}

}  // namespace
}  // namespace taskfs::fstest
