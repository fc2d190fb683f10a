// The store gives nothing away and follows no one's links (issue 9): it is
// created 0700 with files 0600 whatever the umask, a store another user owns
// or others can write is refused, and links planted where the store writes
// are never written through.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/store.hpp"
#include "store_refusal.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kLarge = 300 * 1024;  // above the inline limit: a blob file
constexpr uid_t kNobody = 65534;

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// Sets the process umask for the life of the object.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t old_;
};

class StoreSafetyTest : public ::testing::Test {
 protected:
  fs::path store_dir() const { return dir_ / "store"; }

  ResultInfo put(Store& store, const std::string& task, std::string_view value) {
    NewResult r{hash_bytes(task), task, "default", true, {}, 1000.0, 0.5};
    FileView view;
    view.text = "view of " + task;
    return store.put_result(r, value, view);
  }

  // A file outside the store that planted links point at.
  fs::path victim() const { return dir_ / "victim"; }

  test::TempDir dir_;
};

TEST_F(StoreSafetyTest, NewStoreIsReadableByItsOwnerOnlyWhateverTheUmask) {
  Umask open_to_all(0);
  {
    Store store(store_dir());
    put(store, "small", "x");
    put(store, "large", std::string(kLarge, 'L'));
  }
  int files = 0;
  EXPECT_EQ(mode_of(store_dir()), 0700u);
  for (const auto& e : fs::recursive_directory_iterator(store_dir())) {
    if (e.is_directory()) {
      EXPECT_EQ(mode_of(e.path()), 0700u) << e.path();
    } else {
      ++files;
      EXPECT_EQ(mode_of(e.path()), 0600u) << e.path();
    }
  }
  EXPECT_GE(files, 2) << "the database and the large result's blob file";
}

TEST_F(StoreSafetyTest, StoreWritableByOthersIsRefusedUntouched) {
  fs::create_directories(store_dir());
  fs::permissions(store_dir(), fs::perms::all);
  std::string why = test::store_refusal(store_dir());
  EXPECT_NE(why.find("writable by every user"), std::string::npos) << why;
  EXPECT_NE(why.find("chmod 700"), std::string::npos) << why;
  EXPECT_TRUE(fs::is_empty(store_dir()));

  fs::permissions(store_dir(), fs::perms::owner_all | fs::perms::group_all);
  why = test::store_refusal(store_dir());
  EXPECT_NE(why.find("writable by its group"), std::string::npos) << why;
}

TEST_F(StoreSafetyTest, StoreOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving the store to another user needs root";
  fs::create_directories(store_dir());
  ASSERT_EQ(::chown(store_dir().c_str(), kNobody, kNobody), 0);
  std::string why = test::store_refusal(store_dir());
  EXPECT_NE(why.find("belongs to"), std::string::npos) << why;
  EXPECT_TRUE(fs::is_empty(store_dir()));
}

TEST_F(StoreSafetyTest, StoreOthersCouldReadIsMadePrivateOnceKnownAsAStore) {
  { Store store(store_dir()); }
  fs::permissions(store_dir(), fs::perms::owner_all | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read |
                                   fs::perms::others_exec);
  { Store store(store_dir()); }
  EXPECT_EQ(mode_of(store_dir()), 0700u);
}

TEST_F(StoreSafetyTest, ABlobsDirectoryDoesNotMakeADirectoryOfOtherFilesAStore) {
  fs::create_directories(store_dir() / "blobs");
  test::write_file(store_dir() / "notes.txt", "mine\n");
  std::string why = test::store_refusal(store_dir());
  EXPECT_NE(why.find("not a taskfs store"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(store_dir() / "taskfs.db"));
}

TEST_F(StoreSafetyTest, LinkPlantedAtTheDatabaseIsRefusedNotFollowed) {
  test::write_file(victim(), "precious\n");
  fs::create_directories(store_dir());
  fs::create_symlink(victim(), store_dir() / "taskfs.db");
  EXPECT_NE(test::store_refusal(store_dir()), "");
  EXPECT_EQ(test::read_file(victim()), "precious\n");
}

TEST_F(StoreSafetyTest, LinkPlantedAsTheBlobDirectoryIsRefused) {
  { Store store(store_dir()); }
  fs::create_directories(dir_ / "elsewhere");
  fs::remove(store_dir() / "blobs");
  fs::create_directory_symlink(dir_ / "elsewhere", store_dir() / "blobs");
  std::string why = test::store_refusal(store_dir());
  EXPECT_NE(why.find("symbolic link"), std::string::npos) << why;
}

TEST_F(StoreSafetyTest, PlantedTemporaryNamesAreSteppedOverNotWrittenThrough) {
  test::write_file(victim(), "precious\n");
  Store store(store_dir());
  // The names this process would write first (pid-counter), each a link.
  for (int n = 0; n < 100; ++n) {
    fs::create_symlink(
        victim(), store_dir() / "tmp" / (std::to_string(::getpid()) + "-" + std::to_string(n)));
  }
  std::string value(kLarge, 'V');
  ResultInfo info = put(store, "large", value);
  EXPECT_EQ(test::read_file(victim()), "precious\n");
  BlobReader reader = store.open_blob(info.value_hash, 0, UINT64_MAX);
  std::string back(reader.size(), '\0');
  back.resize(reader.read(back.data(), back.size(), 0));
  EXPECT_EQ(back, value);
}

TEST_F(StoreSafetyTest, LinkPlantedAtABlobNameIsReplacedNotWrittenThrough) {
  test::write_file(victim(), "precious\n");
  std::string value(kLarge, 'B');
  std::string hex = hash_bytes(value).hex();
  {
    Store store(store_dir());
    fs::create_directories(store_dir() / "blobs" / hex.substr(0, 2));
    fs::create_symlink(victim(), store_dir() / "blobs" / hex.substr(0, 2) / hex);
    put(store, "large", value);
  }
  EXPECT_EQ(test::read_file(victim()), "precious\n");
  EXPECT_FALSE(fs::is_symlink(store_dir() / "blobs" / hex.substr(0, 2) / hex));
}

}  // namespace
}  // namespace taskfs
