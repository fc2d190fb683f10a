// The logs of task runs (SPEC 7): the latest run's output per task and
// variant, never two runs mixed, bounded to the last bytes with a note on
// what was dropped.
#include "store/task_log.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "sys/store_dir.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

constexpr std::uint64_t kCap = 16 << 20;
const Hash128 kKey = hash_bytes("a run's key");

class TaskLogTest : public ::testing::Test {
 protected:
  std::string log_of(const std::string& task, const std::string& variant) const {
    auto info = logs.find(task, variant);
    if (!info) return "(none)";
    std::string text(info->size, '\0');
    text.resize(logs.read(task, variant, text.data(), text.size(), 0));
    return text;
  }

  test::TempDir temp;
  StoreDir store{temp / "store"};
  TaskLogs logs{store.fd()};
};

TEST_F(TaskLogTest, ARunsOutputIsItsLogAndTheNextRunOfTheVariantReplacesIt) {
  RunLog first = logs.start_run("train", "maxiter:5", kKey, kCap);
  first.append("step 1\n");
  EXPECT_EQ(log_of("train", "maxiter:5"), "step 1\n") << "not readable while the run goes on";
  first.append("step 2\n");
  first.finish();
  EXPECT_EQ(log_of("train", "maxiter:5"), "step 1\nstep 2\n");

  RunLog second = logs.start_run("train", "maxiter:5", kKey, kCap);
  EXPECT_EQ(log_of("train", "maxiter:5"), "(none)") << "the previous run's output still shows";
  second.append("again\n");
  second.finish();
  EXPECT_EQ(log_of("train", "maxiter:5"), "again\n");
}

TEST_F(TaskLogTest, ARunThatPrintsNothingHasNoLog) {
  logs.start_run("train", "default", kKey, kCap).finish();
  EXPECT_FALSE(logs.find("train", "default"));
  EXPECT_EQ(logs.read("train", "default", nullptr, 0, 0), 0u);
}

TEST_F(TaskLogTest, VariantsHaveFilesOfTheirOwnListedByName) {
  RunLog a = logs.start_run("train", "maxiter:5", kKey, kCap);
  RunLog b = logs.start_run("train", "default", kKey, kCap);
  a.append("five\n");
  b.append("default\n");
  a.finish();
  b.finish();
  EXPECT_EQ(log_of("train", "maxiter:5"), "five\n");
  EXPECT_EQ(log_of("train", "default"), "default\n");
  EXPECT_EQ(logs.variants("train"), (std::vector<std::string>{"default", "maxiter:5"}));
  EXPECT_TRUE(logs.variants("evaluate").empty());
}

TEST_F(TaskLogTest, OutputPastTheCapKeepsTheLastBytesUnderANoteOnWhatWasDropped) {
  RunLog run = logs.start_run("chatty", "default", kKey, 10);
  std::string all;
  for (char c = 'a'; c <= 'z'; ++c) {
    std::string line = std::string(4, c) + "\n";
    run.append(line);
    all += line;
    auto info = logs.find("chatty", "default");
    ASSERT_TRUE(info);
    EXPECT_LE(info->size, 2 * 10 + 100u) << "the log grew past its bound while running";
  }
  run.finish();
  EXPECT_EQ(log_of("chatty", "default"),
            "[taskfs: 120 bytes of earlier output dropped; the last 10 are kept]\n" +
                all.substr(all.size() - 10));
}

TEST_F(TaskLogTest, OneWriteLargerThanTheCapKeepsItsTail) {
  RunLog run = logs.start_run("chatty", "default", kKey, 4);
  run.append("0123456789");
  run.finish();
  EXPECT_EQ(log_of("chatty", "default"),
            "[taskfs: 6 bytes of earlier output dropped; the last 4 are kept]\n6789");
}

TEST_F(TaskLogTest, AVariantTooLongForAFileNameStillHasALogButIsNotListed) {
  std::string variant = "title:" + std::string(300, 'x');
  RunLog run = logs.start_run("report", variant, kKey, kCap);
  run.append("long\n");
  run.finish();
  EXPECT_EQ(log_of("report", variant), "long\n");
  EXPECT_TRUE(logs.variants("report").empty());
}

TEST_F(TaskLogTest, ARunOvertakenByANewerRunOfTheVariantNeverWritesOverIt) {
  RunLog older = logs.start_run("chatty", "default", kKey, 8);
  older.append("old\n");
  RunLog newer = logs.start_run("chatty", "default", kKey, 8);
  newer.append("new\n");
  older.append(std::string(100, 'o'));  // past twice the cap: the older run rewrites
  older.finish();
  newer.finish();
  EXPECT_EQ(log_of("chatty", "default"), "new\n");
}

TEST_F(TaskLogTest, LogsAreOwnerOnlyLikeTheRestOfTheStore) {
  RunLog run = logs.start_run("train", "default", kKey, kCap);
  run.append("x\n");
  run.finish();
  struct stat st {};
  ASSERT_EQ(::stat((temp / "store/logs/train").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((temp / "store/logs/train/default").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(TaskLogTest, ForgettingARunTakesItsLogAndLeavesALaterRunsLog) {
  RunLog run = logs.start_run("train", "default", kKey, kCap);
  run.append("first run\n");
  run.finish();
  logs.forget_run("train", "default", hash_bytes("another key"));
  EXPECT_EQ(log_of("train", "default"), "first run\n") << "the log of another key went";
  logs.forget_run("train", "default", kKey);
  EXPECT_EQ(log_of("train", "default"), "(none)");

  RunLog later = logs.start_run("train", "default", hash_bytes("a later run"), kCap);
  later.append("later run\n");
  later.finish();
  logs.forget_run("train", "default", kKey);
  EXPECT_EQ(log_of("train", "default"), "later run\n");
  logs.forget_run("train", "nosuchvariant", kKey);  // nothing to take: no error either
}

}  // namespace
}  // namespace taskfs
