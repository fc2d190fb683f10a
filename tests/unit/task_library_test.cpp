// The task library seen through the engine: a rebuilt library re-runs only
// what changed, its catalog is remembered in the store, and a library that
// does not load is reported clearly.
#include <gtest/gtest.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "engine_fixture.hpp"

namespace taskfs::test {
namespace {

class TaskLibraryTest : public EngineFixture {};

TEST_F(TaskLibraryTest, ANewEngineRunsNewVariantsWithTheRememberedCatalog) {
  ASSERT_EQ(text("summary"), "sum=6\n");
  start();
  EXPECT_EQ(text("summary/scaled=factor:3"), "sum=18\n");
  EXPECT_EQ(runs({"source", "scaled", "summary"}),
            (Runs{{"source", 1}, {"scaled", 2}, {"summary", 2}}));
}

TEST_F(TaskLibraryTest, LibraryRebuiltWhileNoEngineRanIsNoticedByTheNextOne) {
  fs::path library = dir_ / "lib" / "libtasks.so";
  install_library(TASKFS_TEST_TASKS, library);
  start(2, library);
  ASSERT_EQ(text("summary"), "sum=6\n");
  engine_.reset();
  install_library(TASKFS_TEST_TASKS_EDITED, library);
  start(2, library);
  EXPECT_EQ(text("summary"), "sum=60\n");
  EXPECT_EQ(runs({"source", "scaled", "summary"}),
            (Runs{{"source", 1}, {"scaled", 2}, {"summary", 2}}));
}

TEST_F(TaskLibraryTest, RebuiltLibraryReRunsOnlyTheEditedTaskAndItsDependents) {
  fs::path library = dir_ / "lib" / "libtasks.so";
  install_library(TASKFS_TEST_TASKS, library);
  start(2, library);
  ASSERT_EQ(text("summary"), "sum=6\n");
  ASSERT_EQ(text("fan_in"), "6\n");
  ASSERT_EQ(text("parity_word"), "even\n");
  std::map<std::string, std::string> before;
  for (const auto& t : engine().catalog().catalog->tasks()) before[t.name] = t.fingerprint;

  install_library(TASKFS_TEST_TASKS_EDITED, library);  // `scaled` multiplies by 10 more
  EXPECT_EQ(text("summary"), "sum=60\n");
  EXPECT_EQ(text("fan_in"), "6\n");
  EXPECT_EQ(text("parity_word"), "even\n");
  EXPECT_EQ(runs({"source", "scaled", "summary", "fan_a", "fan_in", "parity", "parity_word"}),
            (Runs{{"source", 1},
                  {"scaled", 2},
                  {"summary", 2},
                  {"fan_a", 1},
                  {"fan_in", 1},
                  {"parity", 1},
                  {"parity_word", 1}}));
  std::vector<std::string> changed;
  for (const auto& t : engine().catalog().catalog->tasks()) {
    if (before.at(t.name) != t.fingerprint) changed.push_back(t.name);
  }
  EXPECT_EQ(changed, std::vector<std::string>{"scaled"});
}

// A worker started after the library file was replaced must not run the new
// code under the cache key of the old code: that entry would be served later
// for the old code.
TEST_F(TaskLibraryTest, LibraryReplacedBetweenResolveAndComputeDoesNotPoisonTheCache) {
  fs::path library = dir_ / "lib" / "libtasks.so";
  install_library(TASKFS_TEST_TASKS, library);
  start(1, library);
  ASSERT_EQ(text("summary"), "sum=6\n");
  start(1, library);  // the catalog now comes from the store: no worker is loaded yet
  auto resolved = request("summary/scaled=factor:2");
  install_library(TASKFS_TEST_TASKS_EDITED, library);
  engine().compute_blocking(resolved);  // may fail or succeed, but with matching code and key
  install_library(TASKFS_TEST_TASKS, library);
  EXPECT_EQ(text("summary/scaled=factor:2"), "sum=12\n");
}

TEST_F(TaskLibraryTest, FileThatIsNotASharedLibraryGivesAClearCatalogError) {
  fs::path library = dir_ / "libbroken.so";
  test::write_file(library, "this is not an ELF file\n");
  start(2, library);
  EXPECT_EQ(engine().catalog().generation, 0u);
  EXPECT_TRUE(engine().catalog().catalog->tasks().empty());
  std::string error = engine().status().library_error;
  EXPECT_NE(error.find("cannot load task library"), std::string::npos) << error;
  EXPECT_NE(error.find(library.string()), std::string::npos) << error;
  try {
    request("summary");
    FAIL() << "resolved a task of a library that did not load";
  } catch (const spec::PathError& e) {
    EXPECT_EQ(e.error_number(), ENOENT);
  }
}

TEST_F(TaskLibraryTest, LibraryWithoutTheTaskfsEntryPointIsRefusedByName) {
  start(2, TASKFS_NOT_A_TASK_LIBRARY);
  EXPECT_EQ(engine().catalog().generation, 0u);
  std::string error = engine().status().library_error;
  EXPECT_NE(error.find(TASKFS_NOT_A_TASK_LIBRARY), std::string::npos) << error;
  EXPECT_NE(error.find("task library"), std::string::npos) << error;
  EXPECT_NE(error.find("taskfs_add_tasks"), std::string::npos) << error;  // the remedy
}

TEST_F(TaskLibraryTest, MissingLibraryIsReportedByPath) {
  start(2, dir_ / "nowhere.so");
  std::string error = engine().status().library_error;
  EXPECT_NE(error.find("cannot find the task library"), std::string::npos) << error;
  EXPECT_NE(error.find("nowhere.so"), std::string::npos) << error;
}

TEST_F(TaskLibraryTest, BrokenRebuildKeepsServingThePreviousLibrary) {
  fs::path library = dir_ / "lib" / "libtasks.so";
  install_library(TASKFS_TEST_TASKS, library);
  start(2, library);
  ASSERT_EQ(text("summary"), "sum=6\n");
  test::write_file(dir_ / "garbage.so", "half-written");
  install_library(dir_ / "garbage.so", library);
  EXPECT_EQ(text("summary"), "sum=6\n");
  EXPECT_EQ(engine().catalog().generation, 1u);
  std::string error = engine().status().library_error;
  EXPECT_NE(error.find("still serving the previously loaded library"), std::string::npos) << error;
}

}  // namespace
}  // namespace taskfs::test
