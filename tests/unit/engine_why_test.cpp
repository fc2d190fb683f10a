// taskfs why, through a real engine: what differs from the closest cached run,
// down to the root cause, and when a cached result was computed.
#include <gtest/gtest.h>

#include <string>

#include "engine_fixture.hpp"

namespace taskfs::test {
namespace {

class EngineWhyTest : public EngineFixture {
 protected:
  std::string why(std::string_view path) { return engine().why(*request(path)); }
};

TEST_F(EngineWhyTest, ACachedResultSaysWhenItWasComputedAndHowLongItTook) {
  ASSERT_EQ(text("summary"), "sum=6\n");
  std::string answer = why("summary");
  EXPECT_EQ(answer.rfind("cached: computed ", 0), 0u) << answer;
  EXPECT_NE(answer.find(", took "), std::string::npos) << answer;
}

TEST_F(EngineWhyTest, AParamChangeNamesTheParamWithBothValues) {
  ASSERT_EQ(text("summary"), "sum=6\n");
  EXPECT_EQ(why("summary/label:total"), "param summary.label is total (cached run: sum)\n");
}

TEST_F(EngineWhyTest, AnUpstreamThatIsNotCachedIsExplainedInItsTurn) {
  ASSERT_EQ(text("summary"), "sum=6\n");
  EXPECT_EQ(why("summary/scaled=factor:2"),
            "upstream scaled/factor:2 is not cached:\n"
            "  param scaled.factor is 2 (cached run: 1)\n");
}

TEST_F(EngineWhyTest, AChangeTwoLevelsUpIsTracedToItsRootCause) {
  ASSERT_EQ(text("summary"), "sum=6\n");
  ASSERT_EQ(text("scaled/source=n:4"), "1\n2\n3\n4\n");
  EXPECT_EQ(why("summary/source=n:4"),
            "upstream scaled changed because upstream source changed because param source.n is 4 "
            "(cached run: 3)\n");
}

TEST_F(EngineWhyTest, AnEditedInputFileIsNamed) {
  test::write_file(dir_ / "data/input.txt", "one\n");
  ASSERT_EQ(text("file_text"), "one\n");
  test::write_file(dir_ / "data/input.txt", "two, longer\n");
  EXPECT_EQ(why("file_text"), "file data/input.txt changed (content)\n");
}

TEST_F(EngineWhyTest, AnEditedTaskNamesItsCodeAndSourceFile) {
  fs::path library = dir_ / "lib" / "libtasks.so";
  install_library(TASKFS_TEST_TASKS, library);
  start(2, library);
  ASSERT_EQ(text("scaled"), "1\n2\n3\n");
  install_library(TASKFS_TEST_TASKS_EDITED, library);  // `scaled` multiplies by 10 more
  std::string answer = why("scaled");
  EXPECT_EQ(answer.rfind("code of scaled changed (", 0), 0u) << answer;
  EXPECT_NE(answer.find("engine_tasks"), std::string::npos) << answer;
}

TEST_F(EngineWhyTest, ANocacheTaskSaysSoAndExplainsTheUpstreamThatWouldRun) {
  ASSERT_EQ(text("source"), "1\n2\n3\n");
  EXPECT_EQ(why("stamp"), "stamp is nocache: it runs on every read\n");
  EXPECT_EQ(why("stamp/source=n:5"),
            "stamp is nocache: it runs on every read\n"
            "upstream source/n:5 is not cached:\n"
            "  param source.n is 5 (cached run: 3)\n");
}

TEST_F(EngineWhyTest, ANeverComputedTaskSaysThereIsNothingToCompare) {
  EXPECT_EQ(why("fan_a"), "fan_a has no cached run to compare with\n");
}

}  // namespace
}  // namespace taskfs::test
