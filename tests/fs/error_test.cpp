// Errors as a reader sees them: bad paths, writes to a read-only mount, and
// tasks that crash or throw, which fail their read but never the mount.
#include <filesystem>
#include <string>

#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

using ErrorTest = MountTest;

constexpr const char* kNoSuchFile = "No such file or directory";
constexpr const char* kInvalid = "Invalid argument";
constexpr const char* kReadOnly = "Read-only file system";
constexpr const char* kIoError = "Input/output error";

// `command` fails and says `message` on stderr.
void expect_failure(const Finished& run, const std::string& command, const char* message) {
  EXPECT_NE(run.exit_code(), 0) << command;
  EXPECT_NE(run.err.find(message), std::string::npos) << command << ": " << run.err;
}

TEST_F(ErrorTest, UnknownTaskIsNoSuchFile) {
  expect_failure(sh("cat mnt/nosuch/default"), "unknown task", kNoSuchFile);
}

TEST_F(ErrorTest, UnknownParamIsNoSuchFileAndTheLogSaysWhy) {
  expect_failure(sh("cat mnt/total/bogus:1"), "unknown param", kNoSuchFile);
  expect_failure(sh("cat mnt/total/numbers=nope:1"), "unknown upstream param", kNoSuchFile);
  EXPECT_NE(daemon_log().find("bogus"), std::string::npos) << daemon_log();
  EXPECT_NE(daemon_log().find("nope"), std::string::npos) << daemon_log();
}

TEST_F(ErrorTest, PathBelowAResultIsNotADirectory) {
  expect_failure(sh("cat mnt/total/default/x"), "below a result", "Not a directory");
  expect_failure(sh("cat mnt/total"), "a task directory", "Is a directory");
}

TEST_F(ErrorTest, OverrideOfATaskThatIsNotUpstreamIsNoSuchFile) {
  expect_failure(sh("cat mnt/numbers/total=scale:2"), "downstream task", kNoSuchFile);
  expect_failure(sh("cat mnt/total/words=text:x"), "unrelated task", kNoSuchFile);
}

TEST_F(ErrorTest, ValueThatDoesNotParseIsInvalidArgumentAndTheLogSaysWhy) {
  expect_failure(sh("cat mnt/total/scale:abc"), "a double", kInvalid);
  expect_failure(sh("cat mnt/numbers/n:1.5"), "an int", kInvalid);
  EXPECT_NE(daemon_log().find("'abc'"), std::string::npos) << daemon_log();
}

// README's errno table: a malformed escape is a value that does not parse;
// a name that is not `param:value` at all names no file.
TEST_F(ErrorTest, MalformedEscapeIsInvalidArgumentAndMalformedOverrideIsNoSuchFile) {
  expect_failure(sh("cat 'mnt/numbers/n:%zz'"), "escape %zz", kInvalid);
  expect_failure(sh("cat 'mnt/numbers/n:1%'"), "escape %", kInvalid);
  expect_failure(sh("cat mnt/numbers/n"), "no colon", kNoSuchFile);
  expect_failure(sh("cat mnt/numbers/:5"), "empty param", kNoSuchFile);
}

TEST_F(ErrorTest, EveryWriteIsReadOnlyFileSystem) {
  ASSERT_TRUE(sh("cat mnt/total/default").succeeded());
  for (const char* command :
       {"echo x > mnt/total/default", "echo x >> mnt/total/default", "touch mnt/total/new",
        "rm mnt/total/default", "mv mnt/total/default mnt/total/moved", "mkdir mnt/newtask",
        "rmdir mnt/total", "truncate -s 0 mnt/total/default", "ln -s x mnt/total/link",
        "setfattr -n user.taskfs.state -v cached mnt/total/default"}) {
    expect_failure(sh(command), command, kReadOnly);
  }
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
}

TEST_F(ErrorTest, CrashingTaskFailsItsReadWithIoErrorAndTheSignalInTheXattr) {
  expect_failure(sh("cat mnt/crash/default"), "crashing task", kIoError);
  std::string error = xattr("mnt/crash/default", "user.taskfs.error");
  EXPECT_NE(error.find("signal 11"), std::string::npos) << error;
  EXPECT_EQ(state("mnt/crash/default"), "failed");
  Finished status = sh("cat mnt/.taskfs/status");
  EXPECT_NE(status.out.find("crash/default"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("failed recently: 1\n"), std::string::npos) << status.out;
  EXPECT_NE(daemon_log().find("signal 11"), std::string::npos) << daemon_log();
}

TEST_F(ErrorTest, MissingInputFileFailsTheReadUntilItIsBack) {
  write_file("words.txt", read_file("data/words.txt"));
  std::filesystem::remove(root() / "data/words.txt");
  EXPECT_NE(sh("cat mnt/words/default").exit_code(), 0);
  EXPECT_NE(xattr("mnt/words/default", "user.taskfs.error").find("data/words.txt"),
            std::string::npos)
      << xattr("mnt/words/default", "user.taskfs.error");
  std::filesystem::rename(root() / "words.txt", root() / "data/words.txt");
  EXPECT_EQ(sh("cat mnt/words/default").out, "alpha\nbeta\ngamma\n");
}

TEST_F(ErrorTest, MountKeepsServingAfterATaskCrashed) {
  expect_failure(sh("cat mnt/crash/default"), "crashing task", kIoError);
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_EQ(sh("ls mnt/total").out, "default\n");
}

TEST_F(ErrorTest, FailureIsNotCachedSoTheNextReadRunsTheTaskAgain) {
  expect_failure(sh("cat mnt/crash/default"), "first read", kIoError);
  EXPECT_EQ(failed_runs("crash"), 1);
  expect_failure(sh("cat mnt/crash/default"), "second read", kIoError);
  EXPECT_EQ(failed_runs("crash"), 2);
  EXPECT_EQ(runs("crash"), 0);
}

TEST_F(ErrorTest, ThrowingTaskFailsItsReadWithIoErrorAndItsMessageInTheXattr) {
  expect_failure(sh("cat mnt/fail/default"), "throwing task", kIoError);
  std::string error = xattr("mnt/fail/default", "user.taskfs.error");
  EXPECT_NE(error.find("the deliberate failure of the fs tests"), std::string::npos) << error;
  Finished getfattr = sh("getfattr --only-values -n user.taskfs.error mnt/fail/default");
  EXPECT_NE(getfattr.out.find("the deliberate failure"), std::string::npos) << getfattr.out;
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
}

}  // namespace
}  // namespace taskfs::fstest
