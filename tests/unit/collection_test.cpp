// Collections (SPEC 6) without a worker: tf::List and tf::Dict held in
// memory, and the store's element rows, sealing and content hashes.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <taskfs/taskfs.hpp>
#include <vector>

#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

TEST(CollectionApiTest, AListNamesItsElementsByIndexAndIteratesThemInOrder) {
  List<std::string> list;
  list.push_back("a");
  list.push_back("b");
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(list.names(), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(list.at(1), "b");
  EXPECT_EQ(list.at("0"), "a");
  std::vector<std::string> seen(list.begin(), list.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  EXPECT_THROW(list.at(2), std::out_of_range);
}

TEST(CollectionApiTest, ADictKeepsInsertionOrderAndRefusesAKeyTwice) {
  Dict<int> dict;
  dict.insert("z", 1);
  dict.insert("a/b", 2);
  EXPECT_EQ(dict.at("a/b"), 2);
  EXPECT_EQ(dict.names(), (std::vector<std::string>{"z", "a/b"}));
  std::vector<std::pair<std::string, int>> seen;
  for (const auto& element : dict) seen.push_back(element);
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, int>>{{"z", 1}, {"a/b", 2}}));
  EXPECT_THROW(dict.insert("z", 3), std::invalid_argument);
  EXPECT_THROW(dict.insert("", 3), std::invalid_argument);
  EXPECT_FALSE(dict.contains("y"));
  EXPECT_THROW(dict.at("y"), std::out_of_range);
}

class CollectionStoreTest : public ::testing::Test {
 protected:
  // Seals a collection of `values` (named 0, 1, ...) as the result of `key`.
  ResultInfo seal(std::uint64_t key, const std::vector<std::string>& values) {
    std::int64_t id = store_.begin_collection();
    std::vector<NewElement> elements;
    Hasher digest;
    for (std::size_t i = 0; i < values.size(); ++i) {
      elements.push_back({std::to_string(i), values[i], FileView{false, 0, values[i] + "\n"}});
    }
    std::vector<Hash128> hashes = store_.append_elements(id, 0, elements);
    for (std::size_t i = 0; i < values.size(); ++i) {
      digest.field(elements[i].name).bytes(hashes[i].bytes());
    }
    NewResult result{Hash128{0, key}, "t", "v" + std::to_string(key), true, {}, 0, 0};
    return store_.finish_collection(result, id, values.size(), digest.finish());
  }

  test::TempDir dir_;
  Store store_{dir_ / "store"};
};

TEST_F(CollectionStoreTest, ASealedCollectionIsFoundByItsValueHashWithItsElements) {
  ResultInfo info = seal(1, {"x", "yy", "zzz"});
  auto collection = store_.find_collection(info.value_hash);
  ASSERT_TRUE(collection);
  EXPECT_EQ(collection->size, 3u);
  auto from_second = store_.elements(*collection, 1, 1);
  ASSERT_EQ(from_second.size(), 1u);
  EXPECT_EQ(from_second[0].name, "1");
  ASSERT_TRUE(from_second[0].stored_inline) << "a small element is kept in its row";
  EXPECT_EQ(from_second[0].stored_inline->value, "yy");
  EXPECT_EQ(from_second[0].stored_inline->view, "yy\n");
  EXPECT_EQ(from_second[0].result.view_size, 3u);
  auto by_name = store_.find_element(*collection, "2");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->index, 2u);
  EXPECT_FALSE(store_.find_element(*collection, "3"));
  auto page = store_.elements(*collection, 1, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[1].name, "2");
  EXPECT_EQ(store_.find_result(Hash128{0, 1})->value_hash, info.value_hash);
}

TEST_F(CollectionStoreTest, SmallElementsAreKeptInTheirRowsLargeOnesAsBlobs) {
  std::int64_t id = store_.begin_collection();
  std::string large(5000, 'L');
  std::vector<NewElement> elements{{"small", "s", FileView{false, 0, "text"}},
                                   {"suffix", "ab", FileView{true, 1, {}}},
                                   {"empty", "", FileView{true, 0, {}}},
                                   {"large", large, FileView{true, 8, {}}}};
  std::vector<Hash128> hashes = store_.append_elements(id, 0, elements);
  ASSERT_EQ(hashes.size(), 4u);
  EXPECT_EQ(hashes[0], hash_bytes("s")) << "the same content hash as a blob's";
  auto found = [&](const std::string& name) {
    auto e = store_.find_element(CollectionInfo{id, 4}, name);
    EXPECT_TRUE(e) << name;
    return e.value_or(ElementInfo{});
  };
  ElementInfo small = found("small");
  ASSERT_TRUE(small.stored_inline);
  EXPECT_EQ(small.stored_inline->view, "text");
  EXPECT_EQ(small.result.view_hash, hash_bytes("text"));
  ElementInfo suffix = found("suffix");
  ASSERT_TRUE(suffix.stored_inline);
  EXPECT_EQ(suffix.stored_inline->view, "b");
  ElementInfo empty = found("empty");
  ASSERT_TRUE(empty.stored_inline) << "an empty value is kept in its row, not taken for a blob";
  EXPECT_EQ(empty.stored_inline->value, "");
  ElementInfo big = found("large");
  EXPECT_FALSE(big.stored_inline);
  EXPECT_EQ(store_.read_blob(big.result.value_hash), large);
  EXPECT_THROW(store_.read_blob(small.result.value_hash), DamagedBlob) << "no blob row";
}

TEST_F(CollectionStoreTest, AnElementNameThatSpellsAnIndexIsFoundOnlyUnderItsOwnName) {
  std::int64_t id = store_.begin_collection();
  store_.append_elements(id, 0,
                         {{"1", "one", FileView{}}, {"0", "zero", FileView{}}, {"01", "x", {}}});
  CollectionInfo dict{id, 3};
  EXPECT_EQ(store_.find_element(dict, "1")->index, 0u) << "a Dict key, not index 1";
  EXPECT_EQ(store_.find_element(dict, "0")->index, 1u);
  EXPECT_EQ(store_.find_element(dict, "01")->index, 2u);
  EXPECT_FALSE(store_.find_element(dict, "2")) << "index 2 is named 01";
  EXPECT_FALSE(store_.find_element(dict, "3"));
}

TEST_F(CollectionStoreTest, TheContentHashFollowsTheElements) {
  ResultInfo a = seal(1, {"x", "y"});
  ResultInfo same = seal(2, {"x", "y"});
  ResultInfo other = seal(3, {"x", "z"});
  EXPECT_EQ(a.value_hash, same.value_hash);
  EXPECT_NE(a.value_hash, other.value_hash);
  EXPECT_EQ(store_.find_collection(same.value_hash)->size, 2u);
}

TEST_F(CollectionStoreTest, AnUnsealedCollectionIsNeverFoundAndCanBeDiscarded) {
  std::int64_t id = store_.begin_collection();
  store_.append_elements(id, 0, {{"0", "x", FileView{}}});
  store_.discard_collection(id);
  EXPECT_FALSE(store_.find_collection(hash_bytes("x")));
  EXPECT_TRUE(store_.elements(CollectionInfo{id, 1}, 0, 10).empty());
}

TEST_F(CollectionStoreTest, AnElementNameTwiceIsRefusedWithItsName) {
  std::int64_t id = store_.begin_collection();
  try {
    store_.append_elements(id, 0, {{"k", "1", FileView{}}, {"k", "2", FileView{}}});
    FAIL() << "a duplicate name was stored";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'k'"), std::string::npos) << e.what();
  }
}

// Schema version 3 had neither read counts nor collections; version 4 (gc)
// had read counts. Opening a store of either adds what it lacks and keeps
// its results (and reads).
TEST(CollectionSchemaTest, AStoreOfVersionThreeIsUpgradedKeepingItsResults) {
  test::TempDir dir;
  NewResult result{Hash128{0, 7}, "t", "default", true, {}, 0, 0};
  Store(dir / "store").put_result(result, "value", FileView{false, 0, "view\n"});
  sqlite::Database((dir / "store" / "taskfs.db").string(), false)
      .exec("DROP TABLE elements; DROP TABLE collections; DROP TABLE reads; "
            "UPDATE meta SET value='3' WHERE name='schema_version'");
  Store reopened(dir / "store");
  EXPECT_TRUE(reopened.find_result(Hash128{0, 7}));
  reopened.add_reads({{Hash128{0, 7}, ReadCount{2, 100}}});
  EXPECT_EQ(reopened.reads_of(Hash128{0, 7}).count, 2);
  std::int64_t id = reopened.begin_collection();
  EXPECT_EQ(reopened.append_elements(id, 0, {{"0", "x", FileView{}}}).size(), 1u);
}

TEST(CollectionSchemaTest, AStoreOfVersionFourIsUpgradedKeepingItsResultsAndReads) {
  test::TempDir dir;
  NewResult result{Hash128{0, 7}, "t", "default", true, {}, 0, 0};
  {
    Store store(dir / "store");
    store.put_result(result, "value", FileView{false, 0, "view\n"});
    store.add_reads({{Hash128{0, 7}, ReadCount{3, 100}}});
  }
  sqlite::Database((dir / "store" / "taskfs.db").string(), false)
      .exec("DROP TABLE elements; DROP TABLE collections; "
            "UPDATE meta SET value='4' WHERE name='schema_version'");
  Store reopened(dir / "store");
  std::optional<ResultInfo> kept = reopened.find_result(Hash128{0, 7});
  ASSERT_TRUE(kept);
  EXPECT_EQ(reopened.read_blob(kept->view_hash), "view\n");
  EXPECT_EQ(reopened.reads_of(Hash128{0, 7}).count, 3);
  std::int64_t id = reopened.begin_collection();
  EXPECT_EQ(reopened.append_elements(id, 0, {{"0", "x", FileView{}}}).size(), 1u);
  sqlite::Database db((dir / "store" / "taskfs.db").string(), false);
  auto version = db.prepare("SELECT value FROM meta WHERE name='schema_version'");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.column_text(0), std::to_string(Store::kSchemaVersion));
}

// Version 5 kept every element as blobs. Opening such a store keeps its
// collections readable from their blobs, and new small elements go in rows.
TEST(CollectionSchemaTest, AStoreOfVersionFiveIsUpgradedKeepingItsCollections) {
  test::TempDir dir;
  std::string large(5000, 'L');  // kept as blobs now too, as every version 5 element was
  Hash128 manifest;
  {
    Store store(dir / "store");
    std::int64_t id = store.begin_collection();
    std::vector<Hash128> hashes =
        store.append_elements(id, 0, {{"0", large + "0", FileView{true, 0, {}}}});
    NewResult result{Hash128{0, 7}, "t", "default", true, {}, 0, 0};
    manifest = store.finish_collection(result, id, 1, hash_bytes(hashes[0].hex())).value_hash;
  }
  sqlite::Database((dir / "store" / "taskfs.db").string(), false)
      .exec("DROP INDEX elements_in_blobs; "
            "ALTER TABLE elements DROP COLUMN value; ALTER TABLE elements DROP COLUMN view; "
            "ALTER TABLE collections DROP COLUMN inline_bytes; "
            "UPDATE meta SET value='5' WHERE name='schema_version'");
  Store reopened(dir / "store");
  std::optional<CollectionInfo> collection = reopened.find_collection(manifest);
  ASSERT_TRUE(collection);
  std::optional<ElementInfo> kept = reopened.find_element(*collection, "0");
  ASSERT_TRUE(kept);
  EXPECT_FALSE(kept->stored_inline);
  EXPECT_EQ(reopened.read_blob(kept->result.value_hash), large + "0");
  std::int64_t id = reopened.begin_collection();
  reopened.append_elements(id, 0, {{"0", "x", FileView{}}});
  std::optional<ElementInfo> small = reopened.find_element(CollectionInfo{id, 1}, "0");
  ASSERT_TRUE(small && small->stored_inline);
  EXPECT_EQ(small->stored_inline->value, "x");
  sqlite::Database db((dir / "store" / "taskfs.db").string(), false);
  auto version = db.prepare("SELECT value FROM meta WHERE name='schema_version'");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.column_text(0), std::to_string(Store::kSchemaVersion));
}

}  // namespace
}  // namespace taskfs
