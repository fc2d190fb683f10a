// The daemon's life: daemonizing, unmounting, dying, and guarding its store.
#include <signal.h>
#include <unistd.h>

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

// A reader polling through a daemon's death and a new mount sees the dead
// mount, then the new one ready: never the bare directory underneath, nor a
// tree that fails a moment later. (Going over the dead mount in one step
// takes mounting /dev/fuse directly, as root does.)
TEST_F(DaemonTest, NewMountReplacesADeadOneInOneStepAsSeenByAReader) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: libfuse's mount clears the dead one first";
  ASSERT_NO_FATAL_FAILURE(mount());
  Child& probe = start({"python3", "-c", R"(
import errno, os, time
def state():
    try:
        listed = len(os.listdir('mnt'))
        with open('mnt/total/default') as f:
            return 'ok' if listed > 0 and f.read() == '15\n' else 'wrong'
    except OSError as e:  # a request in flight at the death is aborted
        dead = e.errno in (errno.ENOTCONN, errno.ECONNABORTED)
        return 'dead' if dead else os.strerror(e.errno)
seen, ok_again, start = [], 0, time.time()
while time.time() - start < 20 and ok_again < 300:
    s = state()
    if not seen or seen[-1] != s:
        seen.append(s)
        with open('probe.tmp', 'w') as f: f.write('\n'.join(seen) + '\n')
        os.rename('probe.tmp', 'probe.log')
    if len(seen) > 1 and s == 'ok': ok_again += 1
)"});
  ASSERT_TRUE(eventually([&] { return read_file("probe.log") == "ok\n"; })) << read_file("probe.log");
  EXPECT_EQ(end_daemon(SIGKILL).signal(), SIGKILL);
  ASSERT_TRUE(eventually([&] { return read_file("probe.log").size() > 3; }));
  ASSERT_NO_FATAL_FAILURE(mount());
  ASSERT_TRUE(probe.wait_for()) << "the probe never saw the new mount answer";
  EXPECT_EQ(read_file("probe.log"), "ok\ndead\nok\n");
}

// The foreground mount appears only once it serves: while its task library
// still loads (a library whose initializer waits for a gate), the mount point
// stays the bare directory, and the first look at the mount sees the tasks.
TEST_F(DaemonTest, ForegroundMountIsNotVisibleBeforeItIsReady) {
  const std::string gate = (root() / "load_gate").string();
  std::string command = "TASKFS_TEST_LOAD_GATE=" + gate + " exec";
  for (const auto& arg : mount_command(mountpoint(), GATED_LOAD_LIBRARY, /*foreground=*/true)) {
    command += " '" + arg + "'";
  }
  Child& daemon = start({"/bin/sh", "-c", command});
  ASSERT_TRUE(eventually([&] { return read_file(gate + ".waiting") == "loading\n"; }))
      << "the library never started loading";
  EXPECT_FALSE(mounted(mountpoint())) << "mounted while its library was still loading";

  write_file("load_gate", "open\n");
  ASSERT_TRUE(eventually([&] { return mounted(mountpoint()) || !daemon.running(); }));
  EXPECT_EQ(sh("ls mnt").out, "answer\n");
  EXPECT_EQ(sh("cat mnt/answer/default").out, "42\n");
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
