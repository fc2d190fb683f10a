// The team cache through real mounts: two "machines" (two daemons, two local
// stores) share one PostgreSQL database, the private cluster that
// tests/remote/pg_cluster.sh starts for ctest.
#include <fstream>
#include <random>

#include "big_text.hpp"
#include "mount_fixture.hpp"
#include "remote/pg.hpp"
#include "store/store.hpp"
#include "system_probes.hpp"

namespace taskfs::fstest {
namespace {

std::string cluster_conninfo() {
  std::ifstream in(TASKFS_PG_STATE);
  std::string line;
  std::getline(in, line);
  return line;
}

class RemoteCacheMountTest : public ProjectTest {
 protected:
  void SetUp() override {
    ProjectTest::SetUp();
    ASSERT_FALSE(cluster_conninfo().empty()) << "no test cluster at " << TASKFS_PG_STATE;
    admin_ = std::make_unique<remote::pg::Connection>(cluster_conninfo(), 2);
    database_ = "m" + std::to_string(std::random_device{}());
    admin_->exec("CREATE DATABASE " + database_);
    conninfo_ = cluster_conninfo() + " dbname=" + database_;
  }
  void TearDown() override {
    ProjectTest::TearDown();
    admin_->exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  }

  // Points the project at `remote` and mounts it (the first machine).
  void mount_with_remote(const std::string& remote) {
    write_file("taskfs.ini", "store = store\nmountpoint = mnt\nremote = " + remote + "\n");
    ASSERT_NO_FATAL_FAILURE(mount());
  }
  // A second machine: its own store and mount point, the same project and remote.
  void mount_second_machine() {
    std::vector<std::string> argv = mount_command(second_mount(), kFsTasks, true);
    for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
      if (argv[i] == "--store") argv[i + 1] = second_store();
    }
    std::filesystem::create_directories(second_mount());
    std::filesystem::create_directories(second_store());
    start(argv);
    ASSERT_TRUE(eventually([&] { return mounted(second_mount()) && filesystem_answers(second_mount()); }))
        << "the second daemon did not mount";
  }
  std::filesystem::path second_mount() const { return root() / "mnt2"; }
  std::filesystem::path second_store() const { return root() / "store2"; }
  std::int64_t second_runs(const std::string& task) const {
    return Store(second_store()).count_runs(task);
  }
  std::int64_t remote_results() {
    remote::pg::Connection c(conninfo_, 2);
    return c.query("SELECT count(*) FROM taskfs_results").integer(0, 0);
  }
  // Waits until the first machine's daemon has uploaded `n` results.
  bool uploaded(int n) {
    return eventually([&] {
      return read_file("mnt/.taskfs/status").find("uploads: " + std::to_string(n) + " done") !=
             std::string::npos;
    });
  }

  std::unique_ptr<remote::pg::Connection> admin_;
  std::string database_;
  std::string conninfo_;
};

TEST_F(RemoteCacheMountTest, AResultComputedOnOneMachineIsReadOnAnotherWithoutRunningThere) {
  ASSERT_NO_FATAL_FAILURE(mount_with_remote(conninfo_));
  Finished first = sh("cat mnt/big/mb:3");
  ASSERT_TRUE(first.succeeded()) << first.err;
  ASSERT_EQ(first.out, fs_tasks::big_text(3 * fs_tasks::kMiB));
  ASSERT_EQ(sh("cat mnt/total/default").out, "15\n");
  ASSERT_TRUE(uploaded(3)) << read_file("mnt/.taskfs/status");  // big, numbers, total

  ASSERT_NO_FATAL_FAILURE(mount_second_machine());
  Finished second = sh("cat mnt2/big/mb:3");
  ASSERT_TRUE(second.succeeded()) << second.err;
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(sh("cat mnt2/total/default").out, "15\n");
  EXPECT_EQ(second_runs("big"), 0) << "the second machine ran the task";
  EXPECT_EQ(second_runs("total"), 0);
  std::string status = read_file("mnt2/.taskfs/status");
  EXPECT_NE(status.find("remote cache: reachable"), std::string::npos) << status;
  EXPECT_TRUE(sh("cmp mnt/big/mb:3 mnt2/big/mb:3").succeeded());
}

TEST_F(RemoteCacheMountTest, NocacheResultsStayLocal) {
  ASSERT_NO_FATAL_FAILURE(mount_with_remote(conninfo_));
  ASSERT_TRUE(sh("cat mnt/report/default").succeeded());
  ASSERT_TRUE(uploaded(2)) << read_file("mnt/.taskfs/status");  // numbers, total
  EXPECT_EQ(remote_results(), 2);
}

TEST_F(RemoteCacheMountTest, ARemoteDownAtMountTimeFailsNoReadAndIsSaidOnceInTheLog) {
  ASSERT_NO_FATAL_FAILURE(
      mount_with_remote("host=" + (root() / "no-server").string() + " dbname=x password=hunter2"));
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_EQ(sh("cat mnt/total/scale:2").out, "30\n");
  std::string status = read_file("mnt/.taskfs/status");
  EXPECT_NE(status.find("remote cache: unreachable"), std::string::npos) << status;
  std::string log = daemon_log();
  std::size_t first = log.find("remote cache: ");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("remote cache: ", first + 1), std::string::npos) << "said more than once:\n"
                                                                       << log;
  EXPECT_EQ(log.find("hunter2"), std::string::npos);
  EXPECT_EQ(status.find("hunter2"), std::string::npos);
}

TEST_F(RemoteCacheMountTest, TaskfsStatusWithoutADaemonSaysWhetherTheRemoteAnswers) {
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\nremote = " + conninfo_ + "\n");
  Finished up = run({kTaskfs, "status", "--tasks", kFsTasks});
  ASSERT_TRUE(up.succeeded()) << up.err;
  EXPECT_NE(up.out.find("remote cache: reachable"), std::string::npos) << up.out;

  Finished down = run({kTaskfs, "status", "--tasks", kFsTasks, "--remote",
                       "host=" + (root() / "no-server").string() + " password=hunter2"});
  ASSERT_TRUE(down.succeeded()) << down.err;
  EXPECT_NE(down.out.find("remote cache: unreachable"), std::string::npos) << down.out;
  EXPECT_EQ(down.out.find("hunter2"), std::string::npos) << down.out;
}

}  // namespace
}  // namespace taskfs::fstest
