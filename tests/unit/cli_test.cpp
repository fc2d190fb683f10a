// The command line (SPEC section 3), run as a user runs it: the real taskfs
// binary in a shell, its exit status, stdout and stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>
#include <filesystem>
#include <string>
#include <vector>

#include "spec/percent.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

namespace fs = std::filesystem;

struct CliResult {
  int status = -1;
  std::string out;
  std::string err;
};

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::size_t line_count(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n' ? 1 : 0;
  return n + (!s.empty() && s.back() != '\n' ? 1 : 0);
}

class CliTest : public ::testing::Test {
 protected:
  // Runs `taskfs args...` in `cwd` (the temp dir by default).
  CliResult taskfs(const std::vector<std::string>& args, const fs::path& cwd = {}) {
    std::string command = "cd " + quoted((cwd.empty() ? dir_.path() : cwd).string()) + " && " +
                          quoted(TASKFS_CLI_PATH);
    for (const auto& a : args) command += " " + quoted(a);
    command +=
        " </dev/null >" + quoted((dir_ / "out").string()) + " 2>" + quoted((dir_ / "err").string());
    int rc = std::system(command.c_str());
    CliResult r;
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = test::read_file(dir_ / "out");
    r.err = test::read_file(dir_ / "err");
    return r;
  }

  // `taskfs command args... --tasks <test tasks> --store <temp store>`.
  CliResult in_project(std::vector<std::string> args) {
    args.insert(args.end(), {"--tasks", TASKFS_TEST_TASKS, "--store", (dir_ / "store").string()});
    return taskfs(args);
  }

  test::TempDir dir_;
};

// ---- taskfs run ----

// Polls `condition` until it holds or `timeout` runs out.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  for (auto deadline = std::chrono::steady_clock::now() + timeout;
       std::chrono::steady_clock::now() < deadline;) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

TEST_F(CliTest, RunOnATerminalShowsTasksDoneOfTotalElapsedAndWhatRuns) {
  // script(1) gives taskfs a terminal; what it shows lands in `typescript`.
  fs::path typescript = dir_ / "typescript";
  std::string command = "cd " + quoted(dir_.path().string()) + " && script -qfec " +
                        quoted(quoted(TASKFS_CLI_PATH) + " run gated --tasks " +
                               quoted(TASKFS_TEST_TASKS) + " --store store") +
                        " " + quoted(typescript.string()) + " </dev/null >/dev/null 2>&1 &";
  ASSERT_EQ(std::system(command.c_str()), 0);
  bool shown = eventually([&] {
    return test::read_file_or_empty(typescript).find("[0/1 done, 0:0") != std::string::npos;
  });
  test::write_file(dir_ / "gate.open", "");
  ASSERT_TRUE(shown) << test::read_file_or_empty(typescript);
  EXPECT_NE(test::read_file_or_empty(typescript).find("running: gated/default"),
            std::string::npos);
  EXPECT_TRUE(eventually([&] {
    return test::read_file_or_empty(typescript).find("42") != std::string::npos;
  })) << test::read_file_or_empty(typescript);
}

TEST_F(CliTest, RunWithStderrNotATerminalPrintsNothingExtra) {
  test::write_file(dir_ / "gate.open", "");
  CliResult r = in_project({"run", "gated"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, RunPrintsTheResultAndExitsZero) {
  CliResult r = in_project({"run", "summary"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "sum=6\n");
}

TEST_F(CliTest, RunPrintsSeveralPathsInTheOrderGiven) {
  CliResult r = in_project({"run", "source", "summary/scaled=factor:2", "fan_in"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "1\n2\n3\nsum=12\n6\n");
}

TEST_F(CliTest, RunOfAThrowingTaskExitsOneWithTheTaskError) {
  CliResult r = in_project({"run", "thrower"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("thrower says no"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, RunOfACrashingTaskExitsOneSayingHowItDied) {
  CliResult r = in_project({"run", "segfaulter"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("signal 11"), std::string::npos) << r.err;
}

TEST_F(CliTest, RunPrintsTheGoodPathsEvenWhenOneFails) {
  CliResult r = in_project({"run", "source", "thrower"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "1\n2\n3\n");
  EXPECT_NE(r.err.find("thrower says no"), std::string::npos) << r.err;
}

TEST_F(CliTest, BadPathExitsTwoWithAOneLineReason) {
  for (const char* path : {"nosuch", "summary/nosuch:1", "summary/label", "summary/source=n:abc"}) {
    CliResult r = in_project({"run", path});
    EXPECT_EQ(r.status, 2) << path << ": " << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << path << ": " << r.err;
    EXPECT_EQ(r.out, "") << path;
  }
}

TEST_F(CliTest, UnknownCommandExitsTwoWithAOneLineReason) {
  CliResult r = taskfs({"frobnicate"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
}

TEST_F(CliTest, NoArgumentsExitsTwoWithAOneLineReason) {
  CliResult r = taskfs({});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
}

TEST_F(CliTest, WrongUsageOfACommandExitsTwoWithAOneLineReason) {
  for (std::vector<std::string> args : {std::vector<std::string>{"run"},
                                        {"run", "summary", "--bogus"},
                                        {"run", "summary", "-j", "-1"},
                                        {"ls", "a", "b"},
                                        {"graph", "extra"}}) {
    CliResult r = in_project(args);
    EXPECT_EQ(r.status, 2) << args[0] << ": " << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << args[0] << ": " << r.err;
  }
}

TEST_F(CliTest, MissingTaskLibraryIsAUsageError) {
  CliResult r = taskfs({"run", "summary"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no task library"), std::string::npos) << r.err;
}

TEST_F(CliTest, StoreThatIsAFileExitsOneAndIsLeftAlone) {
  test::write_file(dir_ / "store", "mine");
  CliResult r = in_project({"run", "summary"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("not a taskfs store"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_file(dir_ / "store"), "mine");
}

TEST_F(CliTest, HelpExitsZeroForEveryCommand) {
  for (const char* command : {"run", "ls", "status", "graph", "mount", "unmount"}) {
    CliResult r = taskfs({command, "--help"});
    EXPECT_EQ(r.status, 0) << command << ": " << r.err;
    EXPECT_NE(r.out.find(std::string("usage: taskfs ") + command), std::string::npos)
        << command << ": " << r.out;
  }
  CliResult r = taskfs({"--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* command : {"run", "ls", "status", "graph", "mount", "unmount"}) {
    EXPECT_NE(r.out.find(command), std::string::npos) << command;
  }
}

// ---- taskfs ls, graph, status ----

TEST_F(CliTest, LsListsTasksWithTheirParamsAndDefaults) {
  CliResult r = in_project({"ls"});
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* expected :
       {"summary\n", "param label: string = sum\n", "param factor: double = 1\n",
        "param n: int = 3\n", "inputs: fan_a fan_b fan_c\n", "param files: files = data/*.txt\n",
        "param path: file = data/input.txt\n", "stamp  (nocache)\n"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
}

TEST_F(CliTest, UnsignedParamsTakeTheirWholeRangeAndLsCallsThemUint) {
  CliResult ls = in_project({"ls"});
  EXPECT_NE(ls.out.find("param big: uint = 1\n"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("param level: uint = 7\n"), std::string::npos) << ls.out;
  CliResult top = in_project({"run", "narrow/big:18446744073709551615"});
  EXPECT_EQ(top.status, 0) << top.err;
  EXPECT_EQ(top.out, "7 18446744073709551615\n");
  CliResult past = in_project({"run", "narrow/big:18446744073709551616"});
  EXPECT_EQ(past.status, 2);
  EXPECT_NE(past.err.find("out of range"), std::string::npos) << past.err;
}

TEST_F(CliTest, LsTaskListsDefaultAndTheCachedVariants) {
  ASSERT_EQ(in_project({"run", "summary/scaled=factor:2", "summary/label:x"}).status, 0);
  CliResult r = in_project({"ls", "summary"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "default\nlabel:x\nscaled=factor:2\n");
}

TEST_F(CliTest, LsOfAnUnknownTaskExitsTwo) {
  CliResult r = in_project({"ls", "nosuch"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("nosuch"), std::string::npos) << r.err;
}

TEST_F(CliTest, GraphPrintsTheTaskGraphAsDot) {
  CliResult r = in_project({"graph"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("digraph", 0), 0u) << r.out;
  for (const char* edge : {"\"source\" -> \"scaled\"", "\"scaled\" -> \"summary\"",
                           "\"fan_b\" -> \"fan_in\"", "\"source\" -> \"stamp\""}) {
    EXPECT_NE(r.out.find(edge), std::string::npos) << edge << "\n" << r.out;
  }
  EXPECT_EQ(r.out.substr(r.out.size() - 2), "}\n");
}

TEST_F(CliTest, StatusWithoutADaemonShowsTheLatestRuns) {
  in_project({"run", "summary", "thrower"});
  CliResult r = in_project({"status"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("summary/default"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("thrower says no"), std::string::npos) << r.out;
}

// ---- taskfs.ini ----

TEST_F(CliTest, ProjectFileIsFoundUpwardFromASubdirectory) {
  fs::create_directories(dir_ / "lib");
  fs::copy_file(TASKFS_TEST_TASKS, dir_ / "lib" / "libtasks.so");
  test::write_file(dir_ / "taskfs.ini", "tasks = lib/libtasks.so\nstore = .taskfs\n");
  fs::create_directories(dir_ / "a" / "b");
  CliResult r = taskfs({"run", "summary"}, dir_ / "a" / "b");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "sum=6\n");
  EXPECT_TRUE(fs::exists(dir_ / ".taskfs" / "taskfs.db"));
  EXPECT_FALSE(fs::exists(dir_ / "a" / "b" / ".taskfs"));
}

TEST_F(CliTest, FlagsOverrideTheProjectFile) {
  test::write_file(dir_ / "taskfs.ini", "tasks = nowhere.so\nstore = .taskfs\n");
  fs::create_directories(dir_ / "sub");
  CliResult r =
      taskfs({"run", "source", "--tasks", TASKFS_TEST_TASKS, "--store", "own"}, dir_ / "sub");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "1\n2\n3\n");
  EXPECT_TRUE(fs::exists(dir_ / "sub" / "own" / "taskfs.db"));  // relative to the working dir
  EXPECT_FALSE(fs::exists(dir_ / ".taskfs"));
}

TEST_F(CliTest, AllowPathsOnSeveralLinesAndRelativeToTheRootWidenWhereInputsMayLie) {
  fs::create_directories(dir_ / "proj");
  test::write_file(dir_ / "proj" / "taskfs.ini",
                   "store = .taskfs\nallow_paths = ../shared\n"
                   "allow_paths = /nonexistent /also-not\n");
  test::write_file(dir_ / "shared" / "in.txt", "shared\n");
  std::string shared = "file_text/path:" + spec::percent_encode((dir_ / "shared/in.txt").string());
  CliResult r = taskfs({"run", shared, "--tasks", TASKFS_TEST_TASKS}, dir_ / "proj");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "shared\n");
  r = taskfs({"run", "file_text/path:%2Fetc%2Fpasswd", "--tasks", TASKFS_TEST_TASKS},
             dir_ / "proj");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("outside the project"), std::string::npos) << r.err;
  // The flag replaces the key, from the working directory.
  r = taskfs({"run", shared, "--tasks", TASKFS_TEST_TASKS, "--allow-path", "/nonexistent"},
             dir_ / "proj");
  EXPECT_EQ(r.status, 2) << r.err;
  r = taskfs({"run", shared, "--tasks", TASKFS_TEST_TASKS, "--allow-path", "../shared"},
             dir_ / "proj");
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(CliTest, TaskTimeoutMustBeANumberOfSeconds) {
  test::write_file(dir_ / "taskfs.ini", "tasks = x.so\ntask_timeout = soon\n");
  CliResult r = taskfs({"run", "source", "--tasks", TASKFS_TEST_TASKS}, dir_.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("task_timeout"), std::string::npos) << r.err;
  test::write_file(dir_ / "taskfs.ini", "tasks = x.so\n");
  r = taskfs({"run", "source", "--tasks", TASKFS_TEST_TASKS, "--task-timeout", "-1"}, dir_.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--task-timeout"), std::string::npos) << r.err;
}

TEST_F(CliTest, MalformedProjectFileIsAUsageError) {
  test::write_file(dir_ / "taskfs.ini", "tasks = x.so\nbogus = 1\n");
  CliResult r = taskfs({"run", "summary"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("taskfs.ini"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace taskfs
