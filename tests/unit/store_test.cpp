// The store (SPEC section 4): results by cache key in a real SQLite database,
// blobs read by range, the run log, and refusing what is not a taskfs store.
#include "store/store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "store/sqlite.hpp"
#include "store_refusal.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kLarge = 300 * 1024;  // above the inline limit of 256 KiB

// Bytes that differ at every offset a range test looks at.
std::string pattern_bytes(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return s;
}

std::string read_range(const BlobReader& reader, std::size_t length, std::uint64_t position) {
  std::string out(length, '\0');
  out.resize(reader.read(out.data(), length, position));
  return out;
}

std::string read_all(const BlobReader& reader) { return read_range(reader, reader.size(), 0); }

FileView text_view(std::string text) {
  FileView view;
  view.text = std::move(text);
  return view;
}

// Every path under `dir`, relative, for checking that nothing was created.
std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    out.insert(fs::relative(e.path(), dir).string());
  }
  return out;
}

class StoreTest : public ::testing::Test {
 protected:
  Store& store() {
    if (!store_) store_ = std::make_unique<Store>(dir_ / "store");
    return *store_;
  }

  ResultInfo put(const std::string& task, const std::string& variant, std::string_view value,
                 const FileView& view, bool cache = true) {
    NewResult r{hash_bytes(task + "/" + variant), task, variant, cache, {}, 1000.0, 0.5};
    r.provenance = {{"param", "n", "3"}};
    return store().put_result(r, value, view);
  }
  ResultInfo put(const std::string& task, const std::string& variant, std::string_view value) {
    return put(task, variant, value, text_view(std::string(value) + "\n"));
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, CreatesAStoreInAMissingDirectory) {
  store();
  EXPECT_TRUE(fs::is_regular_file(dir_ / "store" / "taskfs.db"));
}

TEST_F(StoreTest, UnknownKeyIsNotFound) {
  EXPECT_EQ(store().find_result(hash_bytes("nothing")), std::nullopt);
}

TEST_F(StoreTest, StoredResultIsFoundByItsKey) {
  ResultInfo put_info = put("t", "default", "value bytes");
  auto found = store().find_result(hash_bytes("t/default"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->value_hash, hash_bytes("value bytes"));
  EXPECT_EQ(found->value_size, 11u);
  EXPECT_EQ(found->view_hash, put_info.view_hash);
  EXPECT_EQ(store().read_blob(found->value_hash), "value bytes");
  EXPECT_EQ(read_all(store().open_blob(found->view_hash, found->view_offset, found->view_size)),
            "value bytes\n");
}

TEST_F(StoreTest, ResultsSurviveReopening) {
  put("t", "default", "kept");
  store_.reset();
  auto found = store().find_result(hash_bytes("t/default"));
  ASSERT_TRUE(found);
  EXPECT_EQ(store().read_blob(found->value_hash), "kept");
}

TEST_F(StoreTest, SmallBlobIsServedFromMemoryByRange) {
  ResultInfo info = put("t", "default", "0123456789");
  BlobReader reader = store().open_blob(info.value_hash, 0, UINT64_MAX);
  EXPECT_EQ(reader.fd(), -1);
  EXPECT_EQ(reader.size(), 10u);
  EXPECT_EQ(reader.memory(), "0123456789");
  EXPECT_EQ(read_range(reader, 4, 3), "3456");
  EXPECT_EQ(read_range(reader, 100, 8), "89");
  EXPECT_EQ(read_range(reader, 4, 10), "");
  EXPECT_EQ(read_all(store().open_blob(info.value_hash, 2, 5)), "23456");
}

TEST_F(StoreTest, LargeBlobIsAFileReadByRangeWithoutLoadingItWhole) {
  std::string big = pattern_bytes(kLarge);
  ResultInfo info = put("big", "default", big, text_view("small view"));
  BlobReader reader = store().open_blob(info.value_hash, 0, UINT64_MAX);
  EXPECT_GE(reader.fd(), 0);
  EXPECT_TRUE(reader.memory().empty());
  EXPECT_EQ(reader.size(), kLarge);
  EXPECT_EQ(read_range(reader, 1000, 200'000), big.substr(200'000, 1000));
  EXPECT_EQ(read_range(reader, 1000, kLarge - 10), big.substr(kLarge - 10));
  EXPECT_EQ(read_range(reader, 10, kLarge), "");
  BlobReader window = store().open_blob(info.value_hash, 100'000, 50);
  EXPECT_EQ(window.file_offset(), 100'000u);
  EXPECT_EQ(read_all(window), big.substr(100'000, 50));
  EXPECT_EQ(store().read_blob(info.value_hash), big);
}

TEST_F(StoreTest, EqualLargeValuesShareOneBlobFile) {
  std::string big = pattern_bytes(kLarge);
  ResultInfo a = put("a", "default", big, text_view("a"));
  ResultInfo b = put("b", "default", big, text_view("b"));
  EXPECT_EQ(a.value_hash, b.value_hash);
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "store" / "blobs")) {
    files += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(StoreTest, ViewCanBeASuffixOfTheValue) {
  std::string value = std::string(8, '\x05') + "hello";  // a size prefix, then raw bytes
  FileView view;
  view.is_value_suffix = true;
  view.suffix_offset = 8;
  ResultInfo info = put("s", "default", value, view);
  EXPECT_EQ(info.view_hash, info.value_hash);
  EXPECT_EQ(info.view_offset, 8u);
  EXPECT_EQ(info.view_size, 5u);
  EXPECT_EQ(read_all(store().open_blob(info.view_hash, info.view_offset, info.view_size)), "hello");
}

TEST_F(StoreTest, LargeViewSuffixIsReadFromTheValueFile) {
  std::string value = std::string(8, '\0') + pattern_bytes(kLarge);
  FileView view;
  view.is_value_suffix = true;
  view.suffix_offset = 8;
  ResultInfo info = put("s", "default", value, view);
  BlobReader reader = store().open_blob(info.view_hash, info.view_offset, info.view_size);
  EXPECT_GE(reader.fd(), 0);
  EXPECT_EQ(reader.size(), kLarge);
  EXPECT_EQ(read_range(reader, 16, 0), value.substr(8, 16));
  // The size prefix stays in the row: the view is the whole file, and the
  // value still reads back whole, prefix included.
  EXPECT_TRUE(reader.is_whole_file());
  EXPECT_EQ(store().read_blob(info.value_hash), value);
  EXPECT_EQ(read_range(store().open_blob(info.value_hash, 4, 8), 8, 0), value.substr(4, 8));
}

TEST_F(StoreTest, NocacheResultIsRecordedAsARunButNotFound) {
  ResultInfo info = put("n", "default", "fresh", text_view("fresh\n"), /*cache=*/false);
  EXPECT_EQ(store().find_result(hash_bytes("n/default")), std::nullopt);
  EXPECT_EQ(store().read_blob(info.value_hash), "fresh");
  EXPECT_EQ(store().count_runs("n"), 1);
}

TEST_F(StoreTest, VariantsListsCachedVariantsOfOneTaskSorted) {
  put("t", "maxiter:5", "1");
  put("t", "default", "2");
  put("t", "eps:0.1", "3");
  put("other", "k:1", "4");
  put("nc", "k:2", "5", text_view("5"), /*cache=*/false);
  EXPECT_EQ(store().variants("t"), (std::vector<std::string>{"default", "eps:0.1", "maxiter:5"}));
  EXPECT_TRUE(store().variants("nc").empty());
  EXPECT_TRUE(store().variants("none").empty());
}

TEST_F(StoreTest, CountRunsCountsSuccessfulRunsPerTask) {
  put("t", "a", "1");
  put("t", "b", "2");
  put("u", "a", "3");
  store().record_run({"t", "c", "key", 1.0, 0.1, false, "boom"});
  EXPECT_EQ(store().count_runs("t"), 2);
  EXPECT_EQ(store().count_runs("u"), 1);
  EXPECT_EQ(store().count_runs("none"), 0);
}

TEST_F(StoreTest, RecentRunsAreNewestFirstWithFailures) {
  put("t", "a", "1");
  store().record_run({"t", "b", "k", 2.0, 0.25, false, "task 't' failed: boom"});
  put("u", "c", "3");
  auto runs = store().recent_runs(2);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].task, "u");
  EXPECT_TRUE(runs[0].ok);
  EXPECT_EQ(runs[1].variant, "b");
  EXPECT_FALSE(runs[1].ok);
  EXPECT_EQ(runs[1].error, "task 't' failed: boom");
  EXPECT_EQ(store().recent_runs(10).size(), 3u);
}

TEST_F(StoreTest, UnknownBlobIsAnError) {
  EXPECT_THROW(store().open_blob(hash_bytes("never stored"), 0, 1), std::runtime_error);
}

// ---- what is not a store ----

TEST_F(StoreTest, RefusesAPathThatIsARegularFile) {
  test::write_file(dir_ / "file", "not a directory");
  EXPECT_NE(test::store_refusal(dir_ / "file").find("not a taskfs store"), std::string::npos);
  EXPECT_EQ(test::read_file(dir_ / "file"), "not a directory");
}

TEST_F(StoreTest, RefusesADirectoryOfOtherFilesWithoutWritingIntoIt) {
  test::write_file(dir_ / "d" / "notes.txt", "mine");
  auto before = listing(dir_ / "d");
  EXPECT_NE(test::store_refusal(dir_ / "d").find("not a taskfs store"), std::string::npos);
  EXPECT_EQ(listing(dir_ / "d"), before);
}

TEST_F(StoreTest, RefusesATaskfsDbThatIsNotSqliteLeavingItsBytes) {
  std::string junk(4096, 'x');
  test::write_file(dir_ / "d" / "taskfs.db", junk);
  std::string why = test::store_refusal(dir_ / "d");
  EXPECT_NE(why.find("not a taskfs store"), std::string::npos) << why;
  EXPECT_EQ(test::read_file(dir_ / "d" / "taskfs.db"), junk);
}

TEST_F(StoreTest, RefusesATaskfsDbThatIsNotSqliteCreatingNothing) {
  test::write_file(dir_ / "d" / "taskfs.db", std::string(4096, 'x'));
  auto before = listing(dir_ / "d");
  test::store_refusal(dir_ / "d");
  EXPECT_EQ(listing(dir_ / "d"), before);
}

TEST_F(StoreTest, RefusesAnSqliteDatabaseThatIsNotAStore) {
  fs::create_directories(dir_ / "d");
  sqlite::Database((dir_ / "d" / "taskfs.db").string(), true).exec("CREATE TABLE mine(a)");
  std::string bytes = test::read_file(dir_ / "d" / "taskfs.db");
  std::string why = test::store_refusal(dir_ / "d");
  EXPECT_NE(why.find("not a taskfs store"), std::string::npos) << why;
  EXPECT_EQ(test::read_file(dir_ / "d" / "taskfs.db"), bytes);
}

TEST_F(StoreTest, RefusesAnUnknownSchemaVersionLeavingTheFileUnchanged) {
  put("t", "default", "1");
  store_.reset();
  fs::path db = dir_ / "store" / "taskfs.db";
  sqlite::Database(db.string(), false)
      .exec("UPDATE meta SET value='99' WHERE name='schema_version'");
  std::string bytes = test::read_file(db);
  std::string why = test::store_refusal(dir_ / "store");
  EXPECT_NE(why.find("schema version 99"), std::string::npos) << why;
  EXPECT_EQ(test::read_file(db), bytes);
  EXPECT_EQ(test::store_refusal(dir_ / "store"), why);  // still refused: nothing was rewritten
}

// Schema version 1 (the first build, commit fa5ca68) had no tables
// file_digests and catalogs; version 2 adds them.
TEST_F(StoreTest, StoreOfTheFirstBuildIsRefusedOrUpgradedNotBrokenAtFirstUse) {
  put("t", "default", "1");
  store_.reset();
  sqlite::Database((dir_ / "store" / "taskfs.db").string(), false)
      .exec("DROP TABLE file_digests; DROP TABLE catalogs; "
            "UPDATE meta SET value='1' WHERE name='schema_version'");
  try {
    Store reopened(dir_ / "store");
    reopened.load_file_digests();
    reopened.find_catalog("lib.so", "stamp");
    EXPECT_TRUE(reopened.find_result(hash_bytes("t/default")));
  } catch (const StoreError& e) {
    SUCCEED() << "refused with: " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "opened, then failed at first use: " << e.what();
  }
}

TEST_F(StoreTest, FileDigestsAndCatalogsSurviveReopening) {
  FileDigest d{"/abs/in.txt", FileStamp{1, 2, 3, 4, 5}, hash_bytes("in")};
  store().save_file_digests({d});
  store().save_catalog("/abs/lib.so", "stamp-1", "catalog bytes");
  store_.reset();
  auto digests = store().load_file_digests();
  ASSERT_EQ(digests.size(), 1u);
  EXPECT_EQ(digests[0].path, d.path);
  EXPECT_EQ(digests[0].stamp, d.stamp);
  EXPECT_EQ(digests[0].hash, d.hash);
  EXPECT_EQ(store().find_catalog("/abs/lib.so", "stamp-1"), "catalog bytes");
  EXPECT_EQ(store().find_catalog("/abs/lib.so", "stamp-2"), std::nullopt);  // rebuilt since
  EXPECT_EQ(store().find_catalog("/abs/other.so", "stamp-1"), std::nullopt);
}

TEST_F(StoreTest, KeptDigestsSpareTheNextProcessReadingAnUnchangedFile) {
  test::write_file(dir_ / "in.txt", "input");
  FileDigests first(dir_.path());
  Hash128 hash = first.digest("in.txt").hash;
  store().save_file_digests(first.take_new());
  FileDigests next(dir_.path());
  next.preload(store().load_file_digests());
  EXPECT_EQ(next.digest("in.txt").hash, hash);
  EXPECT_TRUE(next.take_new().empty()) << "the file was hashed again";
}

// The next process to open the store reads every frame left in the WAL (one
// pread each), so a writer leaves none; a reader leaves the files as they are.
TEST_F(StoreTest, AStoreThatWroteLeavesAnEmptyWalWhenClosed) {
  put("t", "default", "written");
  fs::path wal = dir_ / "store" / "taskfs.db-wal";
  ASSERT_GT(fs::file_size(wal), 0u);
  store_.reset();
  ASSERT_TRUE(fs::exists(wal)) << "the WAL is kept across processes";
  EXPECT_EQ(fs::file_size(wal), 0u);
  EXPECT_TRUE(store().find_result(hash_bytes("t/default")));
}

TEST_F(StoreTest, AStoreThatOnlyReadClosesWithoutWriting) {
  put("t", "default", "written");
  store_.reset();
  fs::path db = dir_ / "store" / "taskfs.db";
  auto written = fs::last_write_time(db);
  auto wal_written = fs::last_write_time(dir_ / "store" / "taskfs.db-wal");
  EXPECT_TRUE(store().find_result(hash_bytes("t/default")));
  store_.reset();
  EXPECT_EQ(fs::last_write_time(db), written);
  EXPECT_EQ(fs::last_write_time(dir_ / "store" / "taskfs.db-wal"), wal_written);
}

}  // namespace
}  // namespace taskfs
