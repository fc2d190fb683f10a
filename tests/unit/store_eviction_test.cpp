// Keeping the store in bounds (SPEC 7) at the store: read counts, size by
// task, eviction least recently read first, blobs in use left alone, shared
// blobs kept while named, and files a killed eviction left behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "store/store.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kLarge = 300 * 1024;  // above the inline limit: a blob file

class StoreEvictionTest : public ::testing::Test {
 protected:
  // A cached string result whose file view is its value's bytes after an
  // 8-byte prefix (as a std::string result's), stored at `created`.
  Hash128 put(const std::string& name, std::string bytes, double created) {
    Hash128 key = hash_bytes(name);
    NewResult r{key, "t", name, true, {{"param", "name", name}}, created, 0};
    FileView view;
    view.is_value_suffix = true;
    view.suffix_offset = 8;
    infos_[name] = store_.put_result(r, std::string(8, 'p') + bytes, view);
    return key;
  }
  // Bytes of their own (results with equal bytes share one blob).
  Hash128 put(const std::string& name, std::size_t size, double created) {
    return put(name, name + std::string(size - name.size(), '.'), created);
  }
  void read(const Hash128& key, double when) { store_.add_reads({{key, ReadCount{1, when}}}); }
  bool cached(const std::string& name) { return store_.find_result(hash_bytes(name)).has_value(); }
  std::size_t blob_files() const { return test::regular_files_below(dir_ / "store" / "blobs"); }

  test::TempDir dir_;
  Store store_{dir_ / "store"};
  std::map<std::string, ResultInfo> infos_;
};

TEST_F(StoreEvictionTest, ReadsAddUpAndKeepTheLatestTime) {
  Hash128 key = put("a", 10, 100);
  EXPECT_EQ(store_.reads_of(key).count, 0);
  store_.add_reads({{key, ReadCount{2, 300}}});
  store_.add_reads({{key, ReadCount{1, 200}}});
  EXPECT_EQ(store_.reads_of(key).count, 3);
  EXPECT_EQ(store_.reads_of(key).last, 300);
}

TEST_F(StoreEvictionTest, ReadsOfAResultNotStoredAreNotKept) {
  Hash128 gone = hash_bytes("never stored");
  store_.add_reads({{gone, ReadCount{5, 100}}});
  EXPECT_EQ(store_.reads_of(gone).count, 0);
}

TEST_F(StoreEvictionTest, EvictsTheLeastRecentlyReadFirst) {
  Hash128 a = put("a", kLarge, 100);
  Hash128 b = put("b", kLarge, 200);
  put("c", kLarge, 300);
  read(a, 400);  // a is now the most recently used; b the least
  std::uint64_t total = store_.stored_bytes();
  Eviction e = store_.evict_to(total - 1, {});
  ASSERT_EQ(e.keys.size(), 1u);
  EXPECT_EQ(e.keys[0], b);
  EXPECT_TRUE(cached("a"));
  EXPECT_FALSE(cached("b"));
  EXPECT_TRUE(cached("c"));
  EXPECT_EQ(e.bytes_before, total);
  EXPECT_EQ(e.bytes_after, store_.stored_bytes());
  EXPECT_LE(e.bytes_after, total - 1);
  EXPECT_EQ(blob_files(), 2u);
}

TEST_F(StoreEvictionTest, StopsAsSoonAsTheStoreFits) {
  for (int i = 0; i < 10; ++i) put("r" + std::to_string(i), 1000, 100 + i);
  std::uint64_t total = store_.stored_bytes();
  Eviction e = store_.evict_to(total / 2, {});
  EXPECT_LE(store_.stored_bytes(), total / 2);
  EXPECT_EQ(e.keys.size(), 5u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(cached("r" + std::to_string(i)), i >= 5) << i;
}

TEST_F(StoreEvictionTest, LeavesResultsInUse) {
  put("a", kLarge, 100);
  put("b", kLarge, 200);
  Eviction e = store_.evict_to(0, {infos_["a"].value_hash});
  EXPECT_TRUE(cached("a"));
  EXPECT_FALSE(cached("b"));
  EXPECT_EQ(e.kept_in_use, 1u);
  EXPECT_EQ(store_.read_blob(infos_["a"].value_hash).size(), kLarge + 8);
}

TEST_F(StoreEvictionTest, ABlobTwoResultsShareStaysUntilBothAreGone) {
  std::string same(kLarge, 's');
  put("a", same, 100);
  put("b", same, 200);
  std::uint64_t one = store_.stored_bytes();
  Eviction first = store_.forget({hash_bytes("a")}, {});
  EXPECT_EQ(first.keys.size(), 1u);
  EXPECT_EQ(store_.stored_bytes(), one) << "b still names the blob";
  EXPECT_EQ(store_.read_blob(infos_["b"].value_hash).size(), kLarge + 8);
  store_.forget({hash_bytes("b")}, {});
  EXPECT_EQ(store_.stored_bytes(), 0u);
  EXPECT_EQ(blob_files(), 0u);
}

TEST_F(StoreEvictionTest, ForgettingAResultInUseKeepsItsBytesUntilTheNextEviction) {
  put("a", kLarge, 100);
  store_.forget({hash_bytes("a")}, {infos_["a"].value_hash});
  EXPECT_FALSE(cached("a"));
  EXPECT_EQ(store_.read_blob(infos_["a"].value_hash).size(), kLarge + 8);
  store_.evict_to(0, {});
  EXPECT_EQ(store_.stored_bytes(), 0u);
  EXPECT_EQ(blob_files(), 0u);
}

TEST_F(StoreEvictionTest, BlobsNoResultNamesGoFirst) {
  put("a", 1000, 100);
  NewResult nocache{hash_bytes("n"), "n", "default", false, {}, 50, 0};
  FileView view;
  view.text = std::string(5000, 'n');
  store_.put_result(nocache, "v", view);
  Eviction e = store_.evict_to(store_.stored_bytes() - 1, {});
  EXPECT_TRUE(e.keys.empty());
  EXPECT_TRUE(cached("a"));
}

TEST_F(StoreEvictionTest, FilesNoRowNamesAreRemovedByTheNextEviction) {
  put("a", kLarge, 100);
  fs::path stray = dir_ / "store" / "blobs" / "ff" / std::string(32, 'f');
  fs::create_directories(stray.parent_path());
  test::write_file(stray, "left by an eviction killed after its commit");
  Eviction e = store_.evict_to(UINT64_MAX, {});
  EXPECT_EQ(e.orphan_files, 1u);
  EXPECT_FALSE(fs::exists(stray));
  EXPECT_TRUE(cached("a"));
  EXPECT_EQ(store_.read_blob(infos_["a"].value_hash).size(), kLarge + 8);
}

TEST_F(StoreEvictionTest, UsageByTaskAddsUpToTheStoredBytes) {
  put("a", kLarge, 100);
  put("b", 1000, 100);
  std::vector<TaskUsage> usage = store_.usage_by_task();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].task, "t");
  EXPECT_EQ(usage[0].results, 2);
  EXPECT_EQ(usage[0].bytes, store_.stored_bytes());
  EXPECT_EQ(usage[0].bytes, kLarge + 8 + 1000 + 8);
}

}  // namespace
}  // namespace taskfs
