// Input digests with the daemon's file watch (FileWatch, inotify): a file the
// watch saw unchanged is not stat'ed again, so each way a file, its name or a
// directory above it can change must reach the watch.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "key/file_digest.hpp"
#include "key/hash.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

namespace fs = std::filesystem;

class WatchedDigestsTest : public ::testing::Test {
 protected:
  // The digest as a keying pass takes it: refresh, then look. The first looks
  // put the watch in place and mark the file as watched.
  Hash128 digest(const std::string& path) {
    digests_.refresh();
    return digests_.digest(path).hash;
  }
  Hash128 settled_digest(const std::string& path) {
    digest(path);
    return digest(path);
  }
  std::vector<std::string> expand(const std::string& pattern) {
    digests_.refresh();
    return digests_.expand(pattern);
  }

  test::TempDir dir_;
  FileDigests digests_{fs::canonical(dir_.path()), {}, /*watch_files=*/true};
};

TEST_F(WatchedDigestsTest, AnEditInPlaceIsSeen) {
  test::write_file(dir_ / "data/a.txt", "aaaa");
  EXPECT_EQ(settled_digest("data/a.txt"), hash_bytes("aaaa"));
  test::write_file(dir_ / "data/a.txt", "bbbb");  // same inode, same size
  EXPECT_EQ(digest("data/a.txt"), hash_bytes("bbbb"));
  EXPECT_EQ(digest("data/a.txt"), hash_bytes("bbbb"));
}

TEST_F(WatchedDigestsTest, AFileReplacedByRenameIsSeen) {
  test::write_file(dir_ / "a.txt", "aaaa");
  EXPECT_EQ(settled_digest("a.txt"), hash_bytes("aaaa"));
  test::write_file(dir_ / "a.txt.new", "bbbb");
  fs::rename(dir_ / "a.txt.new", dir_ / "a.txt");
  EXPECT_EQ(digest("a.txt"), hash_bytes("bbbb"));
}

TEST_F(WatchedDigestsTest, ADeletedFileIsSeen) {
  test::write_file(dir_ / "a.txt", "aaaa");
  settled_digest("a.txt");
  fs::remove(dir_ / "a.txt");
  EXPECT_THROW(digest("a.txt"), std::runtime_error);
}

TEST_F(WatchedDigestsTest, ADirectoryAboveReplacedByAnotherIsSeen) {
  test::write_file(dir_ / "data/sub/a.txt", "old");
  EXPECT_EQ(settled_digest("data/sub/a.txt"), hash_bytes("old"));
  test::write_file(dir_ / "next/sub/a.txt", "new");
  fs::rename(dir_ / "data", dir_ / "data.old");
  fs::rename(dir_ / "next", dir_ / "data");
  EXPECT_EQ(digest("data/sub/a.txt"), hash_bytes("new"));
  // And the new directory is watched in turn.
  EXPECT_EQ(settled_digest("data/sub/a.txt"), hash_bytes("new"));
  test::write_file(dir_ / "data/sub/a.txt", "newer");
  EXPECT_EQ(digest("data/sub/a.txt"), hash_bytes("newer"));
}

TEST_F(WatchedDigestsTest, ASymbolicLinkRetargetedIsSeen) {
  test::write_file(dir_ / "one/a.txt", "one");
  test::write_file(dir_ / "two/a.txt", "two");
  test::write_file(dir_ / "three.txt", "three");
  test::write_file(dir_ / "four.txt", "four");
  fs::create_directory_symlink(dir_ / "one", dir_ / "current");
  fs::create_symlink(dir_ / "three.txt", dir_ / "file.txt");
  EXPECT_EQ(settled_digest("current/a.txt"), hash_bytes("one"));
  EXPECT_EQ(settled_digest("file.txt"), hash_bytes("three"));
  // Retargeted in place: no event in any watched directory names the target.
  fs::remove(dir_ / "current");
  fs::create_directory_symlink(dir_ / "two", dir_ / "current");
  test::write_file(dir_ / "three.txt", "three, edited");
  EXPECT_EQ(digest("current/a.txt"), hash_bytes("two"));
  EXPECT_EQ(digest("file.txt"), hash_bytes("three, edited"));
}

TEST_F(WatchedDigestsTest, AFileWrittenThroughAnotherHardLinkIsSeen) {
  test::write_file(dir_ / "data/a.txt", "aaaa");
  fs::create_directory(dir_ / "elsewhere");
  fs::create_hard_link(dir_ / "data/a.txt", dir_ / "elsewhere/b.txt");
  EXPECT_EQ(settled_digest("data/a.txt"), hash_bytes("aaaa"));
  test::write_file(dir_ / "elsewhere/b.txt", "bbbb");  // no event in data/
  EXPECT_EQ(digest("data/a.txt"), hash_bytes("bbbb"));
}

TEST_F(WatchedDigestsTest, AGlobSeesFilesComeAndGo) {
  test::write_file(dir_ / "data/a.txt", "a");
  EXPECT_EQ(expand("data/*.txt"), (std::vector<std::string>{"data/a.txt"}));
  EXPECT_EQ(expand("data/*.txt"), (std::vector<std::string>{"data/a.txt"}));
  test::write_file(dir_ / "data/b.txt", "b");
  EXPECT_EQ(expand("data/*.txt"), (std::vector<std::string>{"data/a.txt", "data/b.txt"}));
  fs::rename(dir_ / "data/a.txt", dir_ / "data/c.txt");
  EXPECT_EQ(expand("data/*.txt"), (std::vector<std::string>{"data/b.txt", "data/c.txt"}));
  fs::remove(dir_ / "data/b.txt");
  EXPECT_EQ(expand("data/*.txt"), (std::vector<std::string>{"data/c.txt"}));
}

TEST_F(WatchedDigestsTest, AGlobInTheRootSeesAFileAdded) {
  test::write_file(dir_ / "a.txt", "a");
  EXPECT_EQ(expand("*.txt"), (std::vector<std::string>{"a.txt"}));
  EXPECT_EQ(expand("*.txt"), (std::vector<std::string>{"a.txt"}));
  test::write_file(dir_ / "b.txt", "b");
  EXPECT_EQ(expand("*.txt"), (std::vector<std::string>{"a.txt", "b.txt"}));
}

TEST_F(WatchedDigestsTest, APathSpelledWithDotsIsStatedEveryTime) {
  test::write_file(dir_ / "data/a.txt", "aaaa");
  EXPECT_EQ(settled_digest("data/../data/./a.txt"), hash_bytes("aaaa"));
  test::write_file(dir_ / "data/a.txt", "bbbb");
  EXPECT_EQ(digest("data/../data/./a.txt"), hash_bytes("bbbb"));
}

}  // namespace
}  // namespace taskfs
