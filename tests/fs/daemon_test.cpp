// The daemon's life: daemonizing, unmounting, dying, and guarding its store.
#include <signal.h>

#include <filesystem>
#include <string>

#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

using DaemonTest = ProjectTest;

TEST_F(DaemonTest, MountWithoutForegroundDaemonizesAndReturnsOnceTheMountIsReady) {
  Finished mount = run(mount_command(mountpoint(), kFsTasks, /*foreground=*/false));
  ASSERT_TRUE(mount.succeeded()) << mount.out << mount.err;
  EXPECT_TRUE(mounted(mountpoint())) << "taskfs mount returned before the mount was ready";
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_NE(daemon_log().find("mounted"), std::string::npos) << daemon_log();
}

TEST_F(DaemonTest, MountAndUnmountWithoutArgumentsUseTaskfsIniFoundUpward) {
  std::filesystem::create_directories(root() / "lib");
  std::filesystem::copy_file(kFsTasks, root() / "lib/libtasks.so");
  write_file("taskfs.ini", "tasks = lib/libtasks.so\nstore = store\nmountpoint = mnt\njobs = 1\n");
  Finished mount = sh("cd data && " + kTaskfs.string() + " mount");
  ASSERT_TRUE(mount.succeeded()) << mount.out << mount.err;
  EXPECT_TRUE(mounted(mountpoint()));
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  Finished unmount = sh("cd data && " + kTaskfs.string() + " unmount");
  EXPECT_TRUE(unmount.succeeded()) << unmount.err;
  EXPECT_FALSE(mounted(mountpoint()));
}

TEST_F(DaemonTest, UnmountTakesTheMountAwayAndTheDaemonExits) {
  ASSERT_NO_FATAL_FAILURE(mount());
  Finished unmount = run({kTaskfs, "unmount", mountpoint()});
  EXPECT_TRUE(unmount.succeeded()) << unmount.err;
  EXPECT_FALSE(mounted(mountpoint()));
  Finished ended = wait_daemon();
  EXPECT_TRUE(ended.succeeded()) << "status " << ended.status;
  Finished mount_again = run(mount_command(mountpoint(), kFsTasks, /*foreground=*/false));
  EXPECT_TRUE(mount_again.succeeded()) << "the store stayed locked: " << mount_again.err;
}

TEST_F(DaemonTest, SigtermMakesTheDaemonUnmountAndExitCleanly) {
  ASSERT_NO_FATAL_FAILURE(mount());
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  Finished ended = end_daemon(SIGTERM);
  EXPECT_TRUE(ended.succeeded()) << "status " << ended.status;
  EXPECT_FALSE(mounted(mountpoint())) << "SIGTERM left the mount behind";
  ASSERT_NO_FATAL_FAILURE(mount());
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
}

TEST_F(DaemonTest, KilledDaemonIsReplacedByANewMountThatServesTheCachedResults) {
  ASSERT_NO_FATAL_FAILURE(mount());
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_EQ(end_daemon(SIGKILL).signal(), SIGKILL);

  Finished dead = sh("ls mnt");
  EXPECT_NE(dead.err.find("Transport endpoint is not connected"), std::string::npos) << dead.err;
  ASSERT_NO_FATAL_FAILURE(mount());  // over the stale mount
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
  EXPECT_EQ(runs("numbers"), 1);
  EXPECT_EQ(runs("total"), 1);
}

TEST_F(DaemonTest, SecondDaemonOnTheSameStoreIsRefusedWithAClearMessage) {
  ASSERT_NO_FATAL_FAILURE(mount());
  Finished second = run(mount_command(root() / "mnt2", kFsTasks, /*foreground=*/true));
  EXPECT_GT(second.exit_code(), 0) << "status " << second.status;
  std::string said = second.out + second.err;
  EXPECT_NE(said.find("another taskfs daemon"), std::string::npos) << said;
  EXPECT_NE(said.find(store().string()), std::string::npos) << said;
  EXPECT_FALSE(mounted(root() / "mnt2"));
  EXPECT_EQ(sh("cat mnt/total/default").out, "15\n");
}

}  // namespace
}  // namespace taskfs::fstest
