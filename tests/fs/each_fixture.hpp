// A project of two small files under data/photos/, mounted with the .each
// test tasks (tests/fs/each_tasks.cpp).
#pragma once

#include <filesystem>
#include <string>

#include "mount_fixture.hpp"

namespace taskfs::fstest {

inline const std::filesystem::path kEachTasks = EACH_TASKS_LIBRARY;

class EachProjectTest : public ProjectTest {
 protected:
  void SetUp() override {
    ProjectTest::SetUp();
    write_file("data/photos/a.txt", "hi");
    write_file("data/photos/b.txt", "yo");
    ASSERT_NO_FATAL_FAILURE(mount(kEachTasks));
  }
  Finished taskfs_run(const std::string& path) {
    return run({kTaskfs, "run", path, "--tasks", kEachTasks});
  }
};

}  // namespace taskfs::fstest
