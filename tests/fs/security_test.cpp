// Security (issue 9), through a real mount and real programs: the store gives
// nothing away to other users, the daemon follows no links planted in a store
// someone else controls, inputs named in a path stay in the project and are
// regular files, and --allow-other shares results and nothing more.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "mount_fixture.hpp"
#include "other_user.hpp"
#include "spec/percent.hpp"

namespace taskfs::fstest {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDenied = "Permission denied";
constexpr const char* kInvalid = "Invalid argument";
// A refused input must fail at once; a hang would end the program at this.
constexpr std::chrono::milliseconds kPrompt{10'000};

// A path value for an absolute path (its '/' percent-encoded).
std::string encoded(const fs::path& path) { return spec::percent_encode(path.string()); }

// A directory outside the project, removed with the object.
struct OutsideDir {
  fs::path path;
  ~OutsideDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class SecurityTest : public ProjectTest {
 protected:
  // The other user, or a skipped test.
  void SetUpOtherUser() {
    std::string why;
    user_ = other_user(why);
    if (!user_) GTEST_SKIP() << why;
    // Only the store and the mount then stand between that user and the data.
    fs::permissions(root(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
  }

  Finished as_other(const std::string& command) {
    return run(user_->command({"/bin/sh", "-c", command}));
  }

  // `taskfs mount` in the background (the daemon writes its own log).
  Finished mount_in_background() { return run(mount_command(mountpoint(), kFsTasks, false)); }

  fs::path victim() const { return root() / "victim.txt"; }

  std::optional<OtherUser> user_;
};

void expect_failure(const Finished& f, const std::string& what, const std::string& message) {
  EXPECT_FALSE(f.succeeded()) << what << " succeeded: " << f.out;
  EXPECT_EQ(f.signal(), 0) << what << " was killed: it hung";
  EXPECT_NE(f.err.find(message), std::string::npos) << what << ": " << f.err;
}

// ---- 1. the store gives nothing away

TEST_F(SecurityTest, StoreGivesOtherUsersNothingOfWhatWasRead) {
  ASSERT_NO_FATAL_FAILURE(SetUpOtherUser());
  write_file("data/secret.txt", "classified\n");
  fs::permissions(root() / "data/secret.txt", fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_NO_FATAL_FAILURE(mount());
  ASSERT_EQ(sh("cat mnt/words/text:data%2Fsecret.txt").out, "classified\n");
  ASSERT_TRUE(sh("grep -rqa classified store").succeeded()) << "the store holds the words";

  expect_failure(as_other("grep -rqa classified store"), "grep as another user", kDenied);
  expect_failure(as_other("cat store/taskfs.db"), "cat of the database", kDenied);
  expect_failure(as_other("ls store"), "ls of the store", kDenied);
  expect_failure(as_other("cat mnt/words/default"), "reading the mount", kDenied);
}

TEST_F(SecurityTest, StoreMadeByTheDaemonIsPrivateWhateverTheUmask) {
  std::vector<std::string> argv = {"/bin/sh", "-c", "umask 000 && exec \"$0\" \"$@\""};
  for (const auto& arg : mount_command(mountpoint(), kFsTasks, false)) argv.push_back(arg);
  ASSERT_TRUE(run(argv).succeeded()) << daemon_log();
  ASSERT_EQ(sh("cat mnt/big/default | wc -c").out, "1048576\n");  // a blob file
  EXPECT_EQ(mode_of(store()), 0700u);
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(store())) {
    bool dir = e.is_directory();
    files += dir ? 0 : 1;
    EXPECT_EQ(mode_of(e.path()), dir ? 0700u : 0600u) << e.path();
  }
  EXPECT_GE(files, 4) << "daemon.log, daemon.lock, the database, a blob";
}

// ---- 2. no link planted in the store is followed

TEST_F(SecurityTest, StoreOwnedByAnotherUserIsRefusedAndItsLinksNotFollowed) {
  ASSERT_NO_FATAL_FAILURE(SetUpOtherUser());
  write_file("victim.txt", "precious\n");
  fs::create_directories(store());
  ASSERT_EQ(::chown(store().c_str(), user_->uid, user_->gid), 0);
  ASSERT_TRUE(as_other("ln -s " + victim().string() + " store/daemon.lock && ln -s " +
                       victim().string() + " store/daemon.log")
                  .succeeded());
  Finished refused = mount_in_background();
  EXPECT_EQ(refused.exit_code(), 1);
  EXPECT_NE(refused.err.find("belongs to taskfs-other"), std::string::npos) << refused.err;
  EXPECT_FALSE(mounted(mountpoint()));
  EXPECT_EQ(read_file("victim.txt"), "precious\n");
}

TEST_F(SecurityTest, StoreEveryoneCanWriteIsRefusedAndItsLinksNotFollowed) {
  write_file("victim.txt", "precious\n");
  fs::create_directories(store());
  fs::permissions(store(), fs::perms::all | fs::perms::sticky_bit);  // as /tmp is
  fs::create_symlink(victim(), store() / "daemon.lock");
  fs::create_symlink(victim(), store() / "daemon.log");
  Finished refused = mount_in_background();
  EXPECT_EQ(refused.exit_code(), 1);
  EXPECT_NE(refused.err.find("writable by every user"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file("victim.txt"), "precious\n");
}

TEST_F(SecurityTest, LinksPlantedInAPrivateStoreAreNotFollowed) {
  write_file("victim.txt", "precious\n");
  fs::create_directories(store());
  fs::permissions(store(), fs::perms::owner_all);
  fs::create_symlink(victim(), store() / "daemon.log");
  EXPECT_EQ(mount_in_background().exit_code(), 1);
  fs::remove(store() / "daemon.log");
  fs::create_symlink(victim(), store() / "daemon.lock");
  Finished refused = mount_in_background();
  EXPECT_EQ(refused.exit_code(), 1);
  EXPECT_NE(refused.err.find("daemon.lock"), std::string::npos) << refused.err;
  EXPECT_FALSE(mounted(mountpoint()));
  EXPECT_EQ(read_file("victim.txt"), "precious\n");
}

// ---- 3. inputs named in a path stay in the project and are regular files

TEST_F(SecurityTest, FileOrGlobOutsideTheProjectIsPermissionDenied) {
  ASSERT_NO_FATAL_FAILURE(mount());
  for (const char* path :
       {"mnt/words/text:..%2F..%2F..%2Fetc%2Fpasswd", "mnt/words/text:%2Fetc%2Fpasswd",
        "mnt/listing/files:%2Fetc%2Fs*adow*"}) {
    expect_failure(sh(std::string("cat '") + path + "'"), path, kDenied);
    expect_failure(sh(std::string("stat '") + path + "'"), path, kDenied);
  }
  EXPECT_NE(daemon_log().find("is outside the project"), std::string::npos);
  EXPECT_EQ(runs("words") + runs("listing"), 0);
  // Inside the project, however spelled, is fine.
  EXPECT_EQ(sh("cat mnt/words/text:" + encoded(root() / "data/notes.txt")).out, "some\nnotes\n");
}

TEST_F(SecurityTest, AllowPathsAdmitsDirectoriesOutsideTheProject) {
  OutsideDir shared{root().string() + "-shared"};
  const fs::path& outside = shared.path;
  fs::create_directories(outside);
  std::ofstream(outside / "shared.txt") << "shared words\n";
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\nallow_paths = " + outside.string() +
                               " /nonexistent\n");
  ASSERT_NO_FATAL_FAILURE(mount());
  EXPECT_EQ(sh("cat mnt/words/text:" + encoded(outside / "shared.txt")).out, "shared\nwords\n");
  expect_failure(sh("cat mnt/words/text:%2Fetc%2Fpasswd"), "/etc/passwd", kDenied);
}

TEST_F(SecurityTest, NonRegularInputsFailPromptlyWithEinval) {
  ASSERT_EQ(::mkfifo((root() / "data/fifo").c_str(), 0600), 0);
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\nallow_paths = /dev\n");
  ASSERT_NO_FATAL_FAILURE(mount());
  for (const char* path :
       {"mnt/words/text:data%2Ffifo", "mnt/words/text:%2Fdev%2Fzero", "mnt/words/text:data"}) {
    for (const char* program : {"stat", "getfattr -d", "cat"}) {
      std::string command = std::string(program) + " '" + path + "'";
      expect_failure(run_program({"/bin/sh", "-c", command}, root(),
                                 {root() / "io/prompt.out", root() / "io/prompt.err"}, kPrompt),
                     command, kInvalid);
    }
  }
  EXPECT_NE(daemon_log().find("is a FIFO, not a regular file"), std::string::npos);
  EXPECT_NE(daemon_log().find("is a character device"), std::string::npos);
}

// ---- sharing: --allow-other

TEST_F(SecurityTest, AllowOtherLetsOtherUsersReadResultsAndNothingMore) {
  ASSERT_NO_FATAL_FAILURE(SetUpOtherUser());
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\nallow_other = true\n");
  ASSERT_NO_FATAL_FAILURE(mount());
  Finished read = as_other("cat mnt/numbers/default");
  EXPECT_TRUE(read.succeeded()) << read.err;
  EXPECT_EQ(read.out, "1\n2\n3\n4\n5\n");
  expect_failure(as_other("cat 'mnt/words/text:%2Fetc%2Fshadow'"), "/etc/shadow", kDenied);
  expect_failure(as_other("echo x > mnt/numbers/default"), "a write", "Read-only");
  expect_failure(as_other("ls store"), "the store", kDenied);
}

TEST_F(SecurityTest, AllowOtherWithoutRootNamesTheFuseConfLineToAdd) {
  ASSERT_NO_FATAL_FAILURE(SetUpOtherUser());
  std::ifstream conf("/etc/fuse.conf");
  std::string text((std::istreambuf_iterator<char>(conf)), std::istreambuf_iterator<char>());
  if (text.find("\nuser_allow_other") != std::string::npos ||
      text.starts_with("user_allow_other")) {
    GTEST_SKIP() << "/etc/fuse.conf already allows it";
  }
  // A copy the other user may run, wherever the build tree is.
  fs::copy_file(kTaskfs, root() / "taskfs");
  Finished refused =
      as_other("./taskfs mount other-mnt --allow-other --tasks x --store other-store");
  EXPECT_EQ(refused.exit_code(), 1);
  EXPECT_NE(refused.err.find("'user_allow_other' in /etc/fuse.conf"), std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace taskfs::fstest
