// Keeping the store (SPEC 7) knows collections (SPEC 6): a collection's
// element blobs are named by the collection while a result holds it. gc and
// rm keep or forget it whole, the orphan sweep never takes an element's file,
// fsck reads element blobs, a damaged element forgets its collection, and du
// counts elements for their task.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kLarge = 300 * 1024;  // above the inline limit: a blob file

class CollectionKeepingTest : public ::testing::Test {
 protected:
  // Stores a collection of `count` elements of their own (large ones unless
  // `padding` says otherwise) as the result `name`, stored at `created`; its key.
  Hash128 put_collection(const std::string& name, int count, double created,
                         std::size_t padding = kLarge) {
    std::int64_t id = store_.begin_collection();
    std::vector<NewElement> elements;
    for (int i = 0; i < count; ++i) {
      std::string value = name + "/" + std::to_string(i) + std::string(padding, '.');
      elements.push_back({std::to_string(i), value, FileView{true, 0, {}}});
    }
    std::vector<Hash128> hashes = store_.append_elements(id, 0, elements);
    Hasher digest;
    for (int i = 0; i < count; ++i) digest.field(elements[i].name).bytes(hashes[i].bytes());
    Hash128 key = hash_bytes(name);
    NewResult result{key, "coll", name, true, {}, created, 0};
    info_ = store_.finish_collection(result, id, count, digest.finish());
    return key;
  }
  // A plain large result `name` stored at `created`; its key.
  Hash128 put_plain(const std::string& name, double created) {
    Hash128 key = hash_bytes(name);
    NewResult result{key, "plain", name, true, {}, created, 0};
    store_.put_result(result, name + std::string(kLarge, '.'), FileView{true, 0, {}});
    return key;
  }
  std::vector<ElementInfo> elements_of(const ResultInfo& info) {
    auto collection = store_.find_collection(info.value_hash);
    return collection ? store_.elements(*collection, 0, 100) : std::vector<ElementInfo>{};
  }
  fs::path file_of(const Hash128& hash) const {
    std::string hex = hash.hex();
    return dir_ / "store" / "blobs" / hex.substr(0, 2) / hex;
  }
  std::size_t blob_files() const { return test::regular_files_below(dir_ / "store" / "blobs"); }

  test::TempDir dir_;
  Store store_{dir_ / "store"};
  ResultInfo info_;  // the collection result put last
};

TEST_F(CollectionKeepingTest, GcKeepsACollectionWholeThenEvictsItWhole) {
  Hash128 plain = put_plain("p", 100);
  Hash128 coll = put_collection("c", 3, 200);
  ResultInfo collection = info_;
  ASSERT_EQ(blob_files(), 4u);
  std::uint64_t total = store_.stored_bytes();

  // Over by a byte: the least recently used (the plain result) goes first,
  // and the collection stays with every element readable.
  Eviction first = store_.evict_to(total - 1, {});
  ASSERT_EQ(first.keys, std::vector<Hash128>{plain});
  ASSERT_TRUE(store_.find_result(coll));
  std::vector<ElementInfo> elements = elements_of(collection);
  ASSERT_EQ(elements.size(), 3u);
  for (const auto& e : elements) {
    EXPECT_EQ(store_.read_blob(e.result.value_hash).size(), kLarge + 3) << e.name;
  }
  EXPECT_EQ(blob_files(), 3u);

  // An element open for reading keeps the whole collection.
  Eviction in_use = store_.evict_to(0, {elements[1].result.value_hash});
  EXPECT_TRUE(in_use.keys.empty());
  EXPECT_EQ(in_use.kept_in_use, 1u);
  EXPECT_EQ(elements_of(collection).size(), 3u);

  // Then it goes whole: its result, its rows, every element's file.
  Eviction second = store_.evict_to(0, {});
  EXPECT_EQ(second.keys, std::vector<Hash128>{coll});
  EXPECT_FALSE(store_.find_result(coll));
  EXPECT_FALSE(store_.find_collection(collection.value_hash));
  EXPECT_EQ(blob_files(), 0u);
  EXPECT_EQ(store_.stored_bytes(), 0u);
}

TEST_F(CollectionKeepingTest, TheOrphanSweepLeavesElementFilesOfACachedCollectionAlone) {
  put_collection("c", 3, 100);
  // A collection still being built: its element's file stays too.
  std::int64_t building = store_.begin_collection();
  std::string large(kLarge, 'b');
  store_.append_elements(building, 0, {{"0", large, FileView{true, 0, {}}}});
  fs::path stray = dir_ / "store" / "blobs" / "ff" / std::string(32, 'f');
  fs::create_directories(stray.parent_path());
  test::write_file(stray, "named by no row");

  Eviction e = store_.evict_to(UINT64_MAX, {});
  EXPECT_EQ(e.orphan_files, 1u);
  EXPECT_FALSE(fs::exists(stray));
  std::vector<ElementInfo> elements = elements_of(info_);
  ASSERT_EQ(elements.size(), 3u);
  for (const auto& element : elements) {
    EXPECT_TRUE(fs::exists(file_of(element.result.value_hash))) << element.name;
    EXPECT_EQ(store_.read_blob(element.result.value_hash).size(), kLarge + 3);
  }
  EXPECT_TRUE(fs::exists(file_of(hash_bytes(large))));

  // Over budget, the one being built stays (its worker may be appending).
  store_.evict_to(0, {});
  EXPECT_EQ(store_.read_blob(hash_bytes(large)), large);
}

TEST_F(CollectionKeepingTest, AnUnsealedCollectionWhoseBuilderIsGoneIsSweptByTheNextEviction) {
  std::int64_t id = store_.begin_collection();
  std::string large(kLarge, 'k');
  store_.append_elements(id, 0, {{"0", large, FileView{true, 0, {}}}});
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  sqlite::Database((dir_ / "store" / "taskfs.db").string(), false)
      .exec("UPDATE collections SET builder=" + std::to_string(child));  // a killed worker's
  store_.evict_to(0, {});
  EXPECT_TRUE(store_.elements(CollectionInfo{id, 1}, 0, 10).empty());
  EXPECT_FALSE(fs::exists(file_of(hash_bytes(large))));
  EXPECT_EQ(store_.stored_bytes(), 0u);
}

TEST_F(CollectionKeepingTest, RmOfACollectionResultForgetsItsElements) {
  Hash128 coll = put_collection("c", 2, 100);
  ResultInfo collection = info_;
  Hash128 plain = put_plain("p", 50);
  Eviction e = store_.forget({coll}, {});
  EXPECT_EQ(e.keys, std::vector<Hash128>{coll});
  EXPECT_FALSE(store_.find_result(coll));
  EXPECT_FALSE(store_.find_collection(collection.value_hash)) << "computing it again re-seals it";
  EXPECT_TRUE(store_.find_result(plain));
  EXPECT_EQ(blob_files(), 1u);
  // Computed again, the same elements make a collection that reads whole.
  put_collection("c", 2, 300);
  EXPECT_EQ(info_.value_hash, collection.value_hash);
  ASSERT_EQ(elements_of(info_).size(), 2u);
  EXPECT_EQ(store_.read_blob(elements_of(info_)[1].result.value_hash).size(), kLarge + 3);
}

TEST_F(CollectionKeepingTest, TwoResultsHoldingOneCollectionKeepItUntilBothAreGone) {
  Hash128 a = put_collection("a", 2, 100);
  NewResult twin{hash_bytes("b"), "coll", "b", true, {}, 200, 0};
  // Equal elements sealed again: the first collection's rows are kept.
  std::int64_t id = store_.begin_collection();
  auto first = elements_of(info_);
  std::vector<NewElement> again;
  for (const auto& e : first) {
    again.push_back({e.name, store_.read_blob(e.result.value_hash), FileView{true, 0, {}}});
  }
  std::vector<Hash128> hashes = store_.append_elements(id, 0, again);
  Hasher digest;
  for (std::size_t i = 0; i < again.size(); ++i) {
    digest.field(again[i].name).bytes(hashes[i].bytes());
  }
  ResultInfo b = store_.finish_collection(twin, id, again.size(), digest.finish());
  ASSERT_EQ(b.value_hash, info_.value_hash);
  store_.forget({a}, {});
  EXPECT_EQ(elements_of(b).size(), 2u) << "b still holds the collection";
  EXPECT_EQ(blob_files(), 2u);
  store_.forget({hash_bytes("b")}, {});
  EXPECT_FALSE(store_.find_collection(b.value_hash));
  EXPECT_EQ(blob_files(), 0u);
}

TEST_F(CollectionKeepingTest, FsckFindsADamagedElementAndForgetsItsCollection) {
  Hash128 coll = put_collection("c", 3, 100);
  Hash128 plain = put_plain("p", 50);
  std::vector<ElementInfo> elements = elements_of(info_);
  ASSERT_EQ(elements.size(), 3u);
  fs::resize_file(file_of(elements[2].result.value_hash), 10);
  StoreCheck check = store_.check_blobs();
  EXPECT_EQ(check.checked, 6u)
      << "three elements, the manifest and its (empty) view, the plain result";
  ASSERT_EQ(check.damaged.size(), 1u);
  EXPECT_EQ(check.damaged[0].first, elements[2].result.value_hash);
  EXPECT_FALSE(store_.find_result(coll)) << "the next read computes it again";
  EXPECT_FALSE(store_.find_collection(info_.value_hash));
  EXPECT_TRUE(store_.find_result(plain));
}

TEST_F(CollectionKeepingTest, DuCountsElementsForTheTaskHoldingTheCollection) {
  put_collection("c", 2, 100);
  put_plain("p", 50);
  std::vector<TaskUsage> usage = store_.usage_by_task();
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[0].task, "coll");
  EXPECT_EQ(usage[0].results, 1);
  EXPECT_GT(usage[0].bytes, 2 * kLarge);
  EXPECT_EQ(usage[1].task, "plain");
  EXPECT_EQ(usage[0].bytes + usage[1].bytes, store_.stored_bytes()) << "nothing under \"\"";
}

// Small elements keep their bytes in their rows (schema 6): no blob rows and
// no files, yet store_max_size, gc, rm and du count those bytes.
TEST_F(CollectionKeepingTest, SmallElementsInTheirRowsCountForGcAndDuAndGoWithTheirResult) {
  std::uint64_t empty = store_.stored_bytes();
  Hash128 coll = put_collection("c", 3, 100, 100);  // 104 bytes each
  std::vector<ElementInfo> elements = elements_of(info_);
  ASSERT_EQ(elements.size(), 3u);
  for (const auto& e : elements) {
    ASSERT_TRUE(e.stored_inline) << e.name;
    EXPECT_EQ(e.stored_inline->value, "c/" + e.name + std::string(100, '.'));
    EXPECT_THROW(store_.read_blob(e.result.value_hash), DamagedBlob) << "no blob row";
  }
  EXPECT_EQ(blob_files(), 0u);
  std::uint64_t with = store_.stored_bytes();
  EXPECT_GE(with - empty, 3u * 104u) << "the rows' bytes count";
  std::vector<TaskUsage> usage = store_.usage_by_task();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].task, "coll");
  EXPECT_EQ(usage[0].bytes, with) << "the elements count for the task holding them";
  EXPECT_EQ(store_.check_blobs().damaged.size(), 0u) << "nothing on disk to find damaged";

  Eviction gone = store_.evict_to(0, {});
  EXPECT_EQ(gone.keys, std::vector<Hash128>{coll});
  EXPECT_EQ(gone.bytes_before, with);
  EXPECT_EQ(gone.bytes_after, 0u);
  EXPECT_EQ(store_.stored_bytes(), 0u) << "the elements' rows went with their result";
  EXPECT_FALSE(store_.find_collection(info_.value_hash));
}

TEST_F(CollectionKeepingTest, FsckFindsADamagedSmallElementInItsRowAndForgetsItsCollection) {
  Hash128 coll = put_collection("c", 3, 100, 10);
  Hash128 plain = put_plain("p", 50);
  sqlite::Database((dir_ / "store" / "taskfs.db").string(), false)
      .exec("UPDATE elements SET value = X'00' WHERE idx = 1");
  StoreCheck check = store_.check_blobs();
  ASSERT_EQ(check.damaged.size(), 1u);
  EXPECT_NE(check.damaged[0].second.find("element 1"), std::string::npos)
      << check.damaged[0].second;
  EXPECT_FALSE(store_.find_result(coll)) << "the next read computes it again";
  EXPECT_FALSE(store_.find_collection(info_.value_hash));
  EXPECT_TRUE(store_.find_result(plain));
  EXPECT_TRUE(store_.check_blobs().damaged.empty());
}

}  // namespace
}  // namespace taskfs
