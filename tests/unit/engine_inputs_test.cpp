// Input files a reader names in a path (issue 9): confined to the project root
// and taskfs.ini's allow_paths (EACCES), regular files only (EINVAL), refused
// when the path is resolved, before anything is read or run.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "engine_fixture.hpp"

namespace taskfs::test {
namespace {

class EngineInputsTest : public EngineFixture {
 protected:
  // The errno resolving `path` fails with, or 0 when it resolves.
  int refusal(std::string_view path) {
    try {
      request(path);
    } catch (const spec::PathError& e) {
      return e.error_number();
    }
    return 0;
  }

  TempDir outside_;  // a directory that is not part of the project
};

TEST_F(EngineInputsTest, FileOutsideTheProjectIsRefusedWithEacces) {
  write_file(outside_ / "secret.txt", "secret\n");
  EXPECT_EQ(refusal("file_text/path:" + encoded(outside_ / "secret.txt")), EACCES);
  EXPECT_EQ(refusal("file_text/path:..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd"), EACCES);
  EXPECT_EQ(refusal("file_text/path:%2Fetc%2Fpasswd"), EACCES);
  EXPECT_EQ(runs("file_text"), 0);
}

TEST_F(EngineInputsTest, GlobOutsideTheProjectIsRefusedWithEacces) {
  write_file(outside_ / "a.txt", "A\n");
  EXPECT_EQ(refusal("concat/files:" + encoded(outside_ / "*.txt")), EACCES);
  EXPECT_EQ(refusal("concat/files:%2Fetc%2Fs*adow*"), EACCES);
  EXPECT_EQ(refusal("concat/files:..%2F*"), EACCES);
}

TEST_F(EngineInputsTest, LinkInTheProjectToAFileOutsideIsRefused) {
  write_file(outside_ / "secret.txt", "secret\n");
  fs::create_directories(dir_ / "data");
  fs::create_symlink(outside_ / "secret.txt", dir_ / "data/link.txt");
  EXPECT_EQ(refusal("file_text/path:data%2Flink.txt"), EACCES);
  // A glob that matches the link is refused as a whole.
  write_file(dir_ / "data/plain.txt", "plain\n");
  EXPECT_EQ(refusal("concat/files:data%2F*"), EACCES);
}

TEST_F(EngineInputsTest, FilesInsideTheProjectAreServedHoweverSpelled) {
  write_file(dir_ / "data/other.txt", "other\n");
  EXPECT_EQ(text("file_text/path:data%2Fother.txt"), "other\n");
  EXPECT_EQ(text("file_text/path:" + encoded(dir_ / "data/other.txt")), "other\n");
  EXPECT_EQ(text("file_text/path:data%2F..%2Fdata%2Fother.txt"), "other\n");
}

TEST_F(EngineInputsTest, AllowPathsAdmitsADirectoryOutsideTheProject) {
  write_file(outside_ / "shared.txt", "shared\n");
  allowed_paths_ = {outside_.path()};
  start();
  EXPECT_EQ(text("file_text/path:" + encoded(outside_ / "shared.txt")), "shared\n");
  EXPECT_EQ(text("concat/files:" + encoded(outside_ / "*.txt")), "shared.txt: shared\n");
  EXPECT_EQ(refusal("file_text/path:%2Fetc%2Fpasswd"), EACCES);
}

TEST_F(EngineInputsTest, FifoOrDeviceOrDirectoryGivenAsAFileIsRefusedWithEinval) {
  fs::create_directories(dir_ / "data");
  ASSERT_EQ(::mkfifo((dir_ / "data/fifo").c_str(), 0600), 0);
  EXPECT_EQ(refusal("file_text/path:data%2Ffifo"), EINVAL);
  EXPECT_EQ(refusal("file_text/path:data"), EINVAL);
  allowed_paths_ = {"/dev"};
  start();
  EXPECT_EQ(refusal("file_text/path:%2Fdev%2Fzero"), EINVAL);
}

TEST_F(EngineInputsTest, GlobMatchingAFifoIsRefusedWithEinval) {
  write_file(dir_ / "in/a.txt", "A\n");
  ASSERT_EQ(::mkfifo((dir_ / "in/b.txt").c_str(), 0600), 0);
  EXPECT_EQ(refusal("concat/files:in%2F*.txt"), EINVAL);
}

TEST_F(EngineInputsTest, DefaultGlobMatchingAFifoFailsTheTaskWithoutReadingIt) {
  write_file(dir_ / "data/a.txt", "A\n");
  ASSERT_EQ(::mkfifo((dir_ / "data/b.txt").c_str(), 0600), 0);
  Outcome o = compute("concat");  // would block forever if the FIFO were opened
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.error.find("a FIFO"), std::string::npos) << o.error;
  EXPECT_EQ(runs("concat"), 0);
}

TEST_F(EngineInputsTest, ProbeNeverHashesAnInputFileButAComputationDoes) {
  write_file(dir_ / "data/other.txt", "other\n");
  const std::string path = "file_text/path:data%2Fother.txt";
  Probe before = engine().probe(*request(path));
  EXPECT_EQ(before.state, ResultState::Missing);
  EXPECT_FALSE(before.key.has_value()) << "the probe read the file to make the key";
  EXPECT_EQ(text(path), "other\n");
  // Hashed by the computation, unchanged since: the stat cache answers.
  EXPECT_EQ(engine().probe(*request(path)).state, ResultState::Cached);
  write_file(dir_ / "data/other.txt", "edited\n");
  EXPECT_FALSE(engine().probe(*request(path)).key.has_value());
}

}  // namespace
}  // namespace taskfs::test

namespace taskfs::test {
namespace {

// .each(tf::glob(...)) (SPEC 6): an element is named by its file's path below
// the pattern's fixed directory.
TEST(EachElementNameTest, IsThePathBelowThePatternsFixedDirectory) {
  EXPECT_EQ(glob_element_name("photos/*.jpg", "photos/cat.jpg"), "cat.jpg");
  EXPECT_EQ(glob_element_name("*.txt", "a.txt"), "a.txt");
  EXPECT_EQ(glob_element_name("data/2024/*/x?.png", "data/2024/may/x1.png"), "may/x1.png");
  EXPECT_EQ(glob_element_name("/abs/in/*.csv", "/abs/in/t.csv"), "t.csv");
}

TEST(EachElementNameTest, NamesAFileOfThePatternOrNone) {
  EXPECT_EQ(glob_element_path("photos/*.jpg", "cat.jpg"), "photos/cat.jpg");
  EXPECT_EQ(glob_element_path("data/*/x?.png", "may/x1.png"), "data/may/x1.png");
  EXPECT_EQ(glob_element_path("photos/*.jpg", "cat.png"), std::nullopt);
  EXPECT_EQ(glob_element_path("photos/*.jpg", "a/b.jpg"), std::nullopt) << "* stops at /";
  EXPECT_EQ(glob_element_path("data/*/x.png", "../x.png"), std::nullopt) << "no way out";
  EXPECT_EQ(glob_element_path("photos/*.jpg", ".hidden.jpg"), std::nullopt);
}

}  // namespace
}  // namespace taskfs::test
