// Metadata: the xattrs of a result and the control files in .taskfs/.
#include <filesystem>
#include <string>

#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

using MetadataTest = MountTest;

// The value getfattr -d prints for `name`, unquoted; "" when absent.
std::string getfattr_value(const std::string& dump, const std::string& name) {
  std::size_t at = dump.find(name + "=\"");
  if (at == std::string::npos) return "";
  std::size_t begin = at + name.size() + 2;
  return dump.substr(begin, dump.find('"', begin) - begin);
}

TEST_F(MetadataTest, GetfattrShowsKeyStateAndCanonicalBeforeAndAfterARead) {
  const std::string file = "mnt/total/scale:1,numbers=n:07";
  Finished before = sh("getfattr -d '" + file + "'");
  ASSERT_TRUE(before.succeeded()) << before.err;
  EXPECT_EQ(getfattr_value(before.out, "user.taskfs.state"), "missing") << before.out;
  EXPECT_EQ(getfattr_value(before.out, "user.taskfs.canonical"), "total/numbers=n:7") << before.out;

  ASSERT_TRUE(sh("cat '" + file + "'").succeeded());
  Finished after = sh("getfattr -d '" + file + "'");
  ASSERT_TRUE(after.succeeded()) << after.err;
  EXPECT_EQ(getfattr_value(after.out, "user.taskfs.state"), "cached") << after.out;
  EXPECT_EQ(getfattr_value(after.out, "user.taskfs.canonical"), "total/numbers=n:7");
  std::string key = getfattr_value(after.out, "user.taskfs.key");
  EXPECT_EQ(key.size(), 32u) << "a 128-bit key in hex: " << after.out;
  EXPECT_EQ(xattr("mnt/total/numbers=n:7", "user.taskfs.key"), key);
}

TEST_F(MetadataTest, CanonicalSpellingPutsOwnParamsFirstThenTasksByNameWithEncodedValues) {
  auto canonical = [&](const std::string& file) {
    return sh("getfattr --only-values -n user.taskfs.canonical '" + file + "'").out;
  };
  EXPECT_EQ(canonical("mnt/report/total=scale:2,numbers=n:07,report=title:x"),
            "report/title:x,numbers=n:7,total=scale:2");
  EXPECT_EQ(canonical("mnt/report/title:a%2fb c,total=scale:1"), "report/title:a%2Fb%20c");
  EXPECT_EQ(canonical("mnt/total/scale:1,numbers=n:5"), "total/default");
}

// Control files are held in memory; releasing one used to close the daemon's
// fd 0 (a literal 0 offset picked the constructor that takes a file), after
// which whatever the daemon opened next there was closed under its feet.
TEST_F(MetadataTest, ReadingControlFilesClosesNoneOfTheDaemonsDescriptors) {
  const std::string stdin_of_daemon = "/proc/" + std::to_string(daemon_pid()) + "/fd/0";
  ASSERT_EQ(std::filesystem::read_symlink(stdin_of_daemon), "/dev/null");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(sh("cat mnt/.taskfs/status mnt/.taskfs/tasks > /dev/null").succeeded());
  }
  std::error_code ec;
  EXPECT_EQ(std::filesystem::read_symlink(stdin_of_daemon, ec), "/dev/null") << ec.message();
}

TEST_F(MetadataTest, AnUncachedTaskShowsStateNocache) {
  EXPECT_EQ(sh("getfattr --only-values -n user.taskfs.state mnt/report/default").out, "nocache");
}

TEST_F(MetadataTest, TasksFileListsEveryTaskWithItsParamsAndInputs) {
  Finished tasks = sh("cat mnt/.taskfs/tasks");
  ASSERT_TRUE(tasks.succeeded()) << tasks.err;
  for (const char* line :
       {"numbers\n", "  param n: int = 5\n", "total\n", "  inputs: numbers\n",
        "  param scale: double = 1\n", "report  (nocache)\n", "  param title: string = total\n",
        "  param mb: int = 1\n", "  param text: file = data/words.txt\n",
        "  param files: files = data/*.txt\n",
        // Type names read as written, not as demangled with their allocators.
        "  output: std::string\n", "  output: std::vector<int>\n", "  output: Stats\n",
        "  output: std::vector<Stats>\n"}) {
    EXPECT_NE(tasks.out.find(line), std::string::npos) << "no '" << line << "' in\n" << tasks.out;
  }
}

TEST_F(MetadataTest, GraphDotHasAnEdgeForEveryInput) {
  Finished graph = sh("cat mnt/.taskfs/graph.dot");
  ASSERT_TRUE(graph.succeeded()) << graph.err;
  EXPECT_TRUE(graph.out.starts_with("digraph")) << graph.out;
  EXPECT_NE(graph.out.find("\"numbers\" -> \"total\""), std::string::npos) << graph.out;
  EXPECT_NE(graph.out.find("\"total\" -> \"report\""), std::string::npos) << graph.out;
  EXPECT_EQ(graph.out.find("-> \"numbers\""), std::string::npos) << graph.out;
  EXPECT_TRUE(graph.out.ends_with("}\n")) << graph.out;
}

TEST_F(MetadataTest, StatusNamesTheLibraryAndShowsNothingRunningWhenIdle) {
  Finished status = sh("cat mnt/.taskfs/status");
  ASSERT_TRUE(status.succeeded()) << status.err;
  EXPECT_NE(status.out.find(kFsTasks.string()), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("running: 0\n"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("failed recently: 0\n"), std::string::npos) << status.out;
}

}  // namespace
}  // namespace taskfs::fstest
