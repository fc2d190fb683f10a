// The daemon log under hostile input: it stays within its cap however many
// lookups fail, and a name cannot forge a line of it.
#include <filesystem>
#include <sstream>
#include <string>

#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

using LogTest = ProjectTest;

constexpr std::uintmax_t kCap = 8 * 1024;

TEST_F(LogTest, DaemonLogIsRotatedPastItsCapAndKeepsTheNewestLines) {
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\nlog_max_size = 8K\n");
  Finished mount = run(mount_command(mountpoint(), kFsTasks, /*foreground=*/false));
  ASSERT_TRUE(mount.succeeded()) << mount.err;
  // 600 failed lookups log about 40 KiB: five times the cap.
  Finished lookups = sh(
      "python3 -c 'import os\nfor i in range(600):\n"
      "  try: os.stat(\"mnt/nosuch_%d\" % i)\n  except FileNotFoundError: pass'");
  ASSERT_TRUE(lookups.succeeded()) << lookups.err;
  const std::filesystem::path log = store() / "daemon.log";
  const std::filesystem::path previous = store() / "daemon.log.1";
  ASSERT_TRUE(std::filesystem::exists(previous)) << "never rotated";
  EXPECT_LE(std::filesystem::file_size(log), kCap);
  EXPECT_LE(std::filesystem::file_size(previous), kCap);
  EXPECT_NE(daemon_log().find("'nosuch_599'"), std::string::npos) << daemon_log();
  EXPECT_FALSE(std::filesystem::exists(store() / "daemon.log.2"));
}

TEST_F(LogTest, MalformedLogSizeIsAUsageError) {
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\nlog_max_size = lots\n");
  Finished mount = run(mount_command(mountpoint(), kFsTasks, /*foreground=*/false));
  EXPECT_EQ(mount.exit_code(), 2);
  EXPECT_NE(mount.err.find("log_max_size"), std::string::npos) << mount.err;
  EXPECT_FALSE(mounted(mountpoint()));
}

TEST_F(LogTest, NewlineInALookedUpNameCannotForgeALogLine) {
  ASSERT_NO_FATAL_FAILURE(mount());
  Finished lookup = sh(
      "python3 -c 'import os\ntry: os.stat(\"mnt/numbers/bogus:1\\nFORGED line\\x1b[2J\")\n"
      "except FileNotFoundError: print(\"ENOENT\")'");
  EXPECT_EQ(lookup.out, "ENOENT\n") << lookup.err;
  std::string log = daemon_log();
  EXPECT_NE(log.find("bogus:1\\x0aFORGED line\\x1b[2J"), std::string::npos) << log;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    std::size_t forged = line.find("FORGED");
    if (forged != std::string::npos) {
      EXPECT_TRUE(forged >= 4 && line.compare(forged - 4, 4, "\\x0a") == 0) << "forged: " << line;
    }
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << "a raw escape byte: " << line;
  }
}

}  // namespace
}  // namespace taskfs::fstest
