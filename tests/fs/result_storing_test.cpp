// A result is serialized straight into the store (a temporary file of tmp/,
// renamed into blobs/ under its hash once whole). When its writing stops half
// way (the task throws, the disk is full, the worker is killed), no partial
// blob is ever visible, the temporary file goes (or is swept at the next
// mount), and the read fails with EIO.
#include <signal.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "big_text.hpp"
#include "mount_fixture.hpp"
#include "system_probes.hpp"

namespace taskfs::fstest {
namespace {

namespace fs = std::filesystem;

// The regular files below `dir` (none when it does not exist).
std::size_t files_below(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    n += it->is_regular_file() ? 1 : 0;
  }
  return n;
}

class ResultStoringTest : public ProjectTest {
 protected:
  std::size_t temp_files() const { return files_below(store() / "tmp"); }
  std::size_t blob_files() const { return files_below(store() / "blobs"); }
  // True once a temporary file in tmp/ holds at least `bytes`.
  bool temp_file_reached(std::uintmax_t bytes) const {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(store() / "tmp", ec)) {
      if (entry.is_regular_file() && entry.file_size() >= bytes) return true;
    }
    return false;
  }
  void expect_read_failed(const Finished& cat) const {
    EXPECT_FALSE(cat.succeeded());
    EXPECT_NE(cat.err.find("Input/output error"), std::string::npos) << cat.err;
  }
};

TEST_F(ResultStoringTest, ATaskThatThrowsHalfWayThroughItsResultLeavesNoBlob) {
  ASSERT_NO_FATAL_FAILURE(mount());
  const std::string file = "mnt/halfway/mb:4";
  expect_read_failed(sh("cat " + file));
  EXPECT_NE(xattr(file, "user.taskfs.error").find("serializing the result failed after 4 MiB"),
            std::string::npos)
      << xattr(file, "user.taskfs.error");
  EXPECT_EQ(temp_files(), 0u);
  EXPECT_EQ(blob_files(), 0u);
  EXPECT_EQ(runs("halfway"), 0);

  Finished whole = sh("cat mnt/halfway/mb:4,fail:false");
  EXPECT_TRUE(whole.succeeded()) << whole.err;
  EXPECT_EQ(whole.out, "4 MiB\n");
  EXPECT_EQ(blob_files(), 1u);
  EXPECT_EQ(temp_files(), 0u);
}

TEST_F(ResultStoringTest, AFullDiskFailsTheReadAndGivesTheSpaceBack) {
  // The store on a file system of 16 MiB; the result is 32 MiB.
  fs::create_directories(store());
  if (::mount("tmpfs", store().c_str(), "tmpfs", 0, "size=16m,mode=0700") != 0 && errno == EPERM) {
    GTEST_SKIP() << "mounting a small file system for the store takes root";
  }
  ASSERT_EQ(mount_type(store()), "tmpfs")
      << "cannot mount a tmpfs for the store: " << std::strerror(errno);
  ASSERT_NO_FATAL_FAILURE(mount());
  const std::string file = "mnt/big/mb:32";
  expect_read_failed(sh("cat " + file));
  EXPECT_NE(xattr(file, "user.taskfs.error").find("No space left on device"), std::string::npos)
      << xattr(file, "user.taskfs.error");
  EXPECT_EQ(temp_files(), 0u);
  EXPECT_EQ(blob_files(), 0u);
  EXPECT_EQ(runs("big"), 0);

  // The space is back: a result that fits is stored and read whole.
  Finished small = sh("cat mnt/big/mb:2");
  ASSERT_TRUE(small.succeeded()) << small.err;
  EXPECT_EQ(small.out, fs_tasks::big_text(2 * fs_tasks::kMiB));
  EXPECT_EQ(blob_files(), 1u);
  // The daemon ends before the file system it writes its log to goes.
  ASSERT_TRUE(end_daemon(SIGTERM).succeeded());
  EXPECT_EQ(::umount2(store().c_str(), MNT_DETACH), 0) << std::strerror(errno);
}

TEST_F(ResultStoringTest, AWorkerKilledMidWriteLeavesNoBlobAndItsFileIsSweptAtTheNextMount) {
  ASSERT_NO_FATAL_FAILURE(mount(kFsTasks, /*jobs=*/1));
  gated_file("midwrite");  // the fixture opens the gate at the end, whatever happens
  const std::string file = "mnt/halfway/mb:4,gate:midwrite,fail:false";
  Child& reader = start({"cat", file});
  ASSERT_TRUE(eventually([&] { return temp_file_reached(2 * fs_tasks::kMiB); }))
      << "the result never reached tmp/";
  std::vector<pid_t> killed = workers();
  ASSERT_FALSE(killed.empty());
  for (pid_t pid : killed) ::kill(pid, SIGKILL);
  ASSERT_TRUE(reader.wait_for()) << "the read never ended";
  expect_read_failed(reader.finished());
  EXPECT_EQ(blob_files(), 0u);

  // The killed worker's file is stale: the next mount removes it.
  EXPECT_EQ(temp_files(), 1u);
  ASSERT_TRUE(run({kTaskfs, "unmount", mountpoint()}).succeeded());
  ASSERT_TRUE(wait_daemon().succeeded());
  ASSERT_NO_FATAL_FAILURE(mount(kFsTasks, /*jobs=*/1));
  EXPECT_TRUE(eventually([&] { return temp_files() == 0; })) << "the stale file was not swept";

  open_gate("midwrite");
  Finished again = sh("cat " + file);
  EXPECT_TRUE(again.succeeded()) << again.err;
  EXPECT_EQ(again.out, "4 MiB\n");
  EXPECT_EQ(blob_files(), 1u);
}

}  // namespace
}  // namespace taskfs::fstest
