// Store: evicting results (taskfs gc, store_max_size) and forgetting one
// (taskfs rm). Crash-safe at every step: the rows go in one transaction, then
// the blob files they named; a process killed in between leaves only files no
// row names, which the next eviction removes.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store/store_lock.hpp"
#include "sys/dir.hpp"

namespace taskfs {
namespace {

// The crash test's hook: TASKFS_TEST_KILL_EVICTION=commit kills this process
// just before the eviction commits, =files just after it removed one file.
void crash_point(const char* point) {
  const char* at = std::getenv("TASKFS_TEST_KILL_EVICTION");
  if (at != nullptr && std::strcmp(at, point) == 0) ::raise(SIGKILL);
}

}  // namespace

// The store's results and blobs as eviction sees them: who names which blob,
// what forgetting a result frees. Hashes stay hex, as in the rows.
// A collection (SPEC 6) stands between the results whose value is its
// manifest and its elements' blobs: it names them while a result names it.
class Store::EvictionModel {
 public:
  struct Row {
    std::string key;
    std::string value;  // value_hash
    std::string view;   // view_hash
    std::string task;
    std::string variant;
  };

  EvictionModel(sqlite::Database& db, const std::unordered_set<Hash128>& in_use) {
    for (const auto& hash : in_use) in_use_.insert(hash.hex());
    auto blobs = db.prepare("SELECT hash, size, typeof(data) = 'null' FROM blobs");
    while (blobs.step()) {
      auto size = static_cast<std::uint64_t>(blobs.column_int(1));
      blobs_.emplace(blobs.column_text(0), Blob{size, blobs.column_int(2) != 0, 0});
      bytes_ += size;
    }
    load_collections(db);
    // Least recently used first: read last, or stored, the longest ago.
    auto results = db.prepare(
        "SELECT r.key, r.value_hash, r.view_hash, r.task, r.variant FROM results r "
        "LEFT JOIN reads x ON x.key = r.key "
        "ORDER BY coalesce(x.last_read, r.created)");
    while (results.step()) {
      Row row{results.column_text(0), results.column_text(1), results.column_text(2),
              results.column_text(3), results.column_text(4)};
      for (const std::string* hash : blobs_of(row)) ++blobs_[*hash].names;
      if (auto c = sealed_.find(row.value); c != sealed_.end()) ++c->second.names;
      results_.push_back(std::move(row));
    }
  }

  const std::vector<Row>& results() const { return results_; }
  std::uint64_t bytes() const { return bytes_; }
  const std::vector<std::string>& doomed() const { return doomed_; }
  // The collections whose rows go (no result names them any more).
  const std::vector<std::int64_t>& doomed_collections() const { return doomed_collections_; }
  bool in_file(const std::string& hash) const { return blobs_.at(hash).in_file; }

  // Whether a result's bytes are in use: its blobs, or (a collection's) an
  // element's, open for reading.
  bool in_use(const Row& row) const {
    if (in_use_.contains(row.value) || in_use_.contains(row.view)) return true;
    auto c = sealed_.find(row.value);
    return c != sealed_.end() && c->second.element_in_use;
  }
  // Forgets a result: its blobs that nothing else names and nobody uses go,
  // and its collection's when no other result names it.
  void drop(const Row& row) {
    for (const std::string* hash : blobs_of(row)) unname(*hash);
    auto c = sealed_.find(row.value);
    if (c != sealed_.end() && --c->second.names == 0) drop_collection(c->second);
  }
  // Dooms the blobs no result names (nocache outputs, blobs a forgotten
  // result in use left behind), and the sealed collections no result names
  // (a worker killed between sealing one and storing its result).
  void drop_unnamed() {
    for (auto& [hash, collection] : sealed_) {
      if (collection.names == 0) drop_collection(collection);
    }
    for (const auto& [hash, blob] : blobs_) {
      if (blob.names == 0) doom(hash);
    }
  }
  // The names of the blob files that stay, below blobs/: "ab/abcd...".
  std::unordered_set<std::string> kept_files() const {
    std::unordered_set<std::string> kept;
    for (const auto& [hash, blob] : blobs_) {
      if (blob.in_file && !doomed_set_.contains(hash)) kept.insert(hash.substr(0, 2) + "/" + hash);
    }
    return kept;
  }

 private:
  struct Collection {
    std::int64_t id = 0;
    std::vector<const std::string*> blobs;  // its elements' values and views, once per element
    std::uint64_t inline_bytes = 0;         // what its small elements keep in their rows
    int names = 0;                          // how many result rows hold it as their value
    bool element_in_use = false;
    bool dropped = false;
  };

  // Every element names its blobs, or (a small one) holds its bytes in its
  // row: those of a collection being built stay, those of a sealed one while
  // a result names it.
  void load_collections(sqlite::Database& db) {
    std::unordered_map<std::int64_t, Collection*> by_id;
    auto collections = db.prepare(
        "SELECT id, value_hash, inline_bytes FROM collections WHERE value_hash IS NOT NULL");
    while (collections.step()) {
      std::int64_t id = collections.column_int(0);
      Collection& c = sealed_[collections.column_text(1)];
      c.id = id;
      c.inline_bytes = static_cast<std::uint64_t>(collections.column_int(2));
      bytes_ += c.inline_bytes;
      by_id[id] = &c;
    }
    // Unsealed ones whose builder is gone (a worker killed while producing)
    // are garbage: their rows go, and they name nothing.
    std::unordered_set<std::int64_t> abandoned;
    auto unsealed =
        db.prepare("SELECT id, builder, inline_bytes FROM collections WHERE value_hash IS NULL");
    while (unsealed.step()) {
      if (writer_gone(static_cast<pid_t>(unsealed.column_int(1)))) {
        abandoned.insert(unsealed.column_int(0));
        doomed_collections_.push_back(unsealed.column_int(0));
      } else {
        bytes_ += static_cast<std::uint64_t>(unsealed.column_int(2));
      }
    }
    auto elements =
        db.prepare("SELECT collection, value_hash, view_hash FROM elements WHERE value IS NULL");
    while (elements.step()) {
      std::int64_t id = elements.column_int(0);
      if (abandoned.contains(id)) continue;
      Row element{"", elements.column_text(1), elements.column_text(2), "", ""};
      auto c = by_id.find(id);  // none: being built
      for (const std::string* hash : blobs_of(element)) {
        auto blob = blobs_.try_emplace(*hash).first;
        ++blob->second.names;
        if (c == by_id.end()) continue;
        c->second->blobs.push_back(&blob->first);  // a key of blobs_: it stays put
        c->second->element_in_use = c->second->element_in_use || in_use_.contains(*hash);
      }
    }
  }
  void drop_collection(Collection& collection) {
    if (collection.dropped) return;
    collection.dropped = true;
    doomed_collections_.push_back(collection.id);
    bytes_ -= collection.inline_bytes;
    for (const std::string* hash : collection.blobs) unname(*hash);
  }
  void unname(const std::string& hash) {
    if (--blobs_[hash].names == 0) doom(hash);
  }
  static std::vector<const std::string*> blobs_of(const Row& row) {
    if (row.view == row.value) return {&row.value};
    return {&row.value, &row.view};
  }
  void doom(const std::string& hash) {
    if (in_use_.contains(hash) || !doomed_set_.insert(hash).second) return;
    doomed_.push_back(hash);
    bytes_ -= blobs_[hash].size;
  }

  struct Blob {
    std::uint64_t size = 0;
    bool in_file = false;
    int names = 0;  // how many result and element rows name it (as value or as view)
  };

  std::unordered_map<std::string, Blob> blobs_;
  std::unordered_map<std::string, Collection> sealed_;  // by value_hash (the manifest's)
  std::vector<Row> results_;
  std::unordered_set<std::string> in_use_;
  std::vector<std::string> doomed_;
  std::unordered_set<std::string> doomed_set_;
  std::vector<std::int64_t> doomed_collections_;
  std::uint64_t bytes_ = 0;
};

Eviction Store::evict_to(std::uint64_t max_bytes, const std::unordered_set<Hash128>& in_use) {
  StoreLock blobs_lock(dir_, kBlobsLock, StoreLock::Mode::Exclusive);
  std::lock_guard lock(mutex_);
  EvictionModel model(*db_, in_use);
  Eviction eviction;
  eviction.bytes_before = model.bytes();
  if (model.bytes() > max_bytes) model.drop_unnamed();
  for (const EvictionModel::Row& row : model.results()) {
    if (model.bytes() <= max_bytes) break;
    if (model.in_use(row)) {
      ++eviction.kept_in_use;
      continue;
    }
    model.drop(row);
    eviction.keys.push_back(Hash128::from_hex(row.key));
    eviction.task_variants.emplace_back(row.task, row.variant);
  }
  finish_eviction(model, eviction);
  return eviction;
}

Eviction Store::forget(const std::vector<Hash128>& keys,
                       const std::unordered_set<Hash128>& in_use) {
  StoreLock blobs_lock(dir_, kBlobsLock, StoreLock::Mode::Exclusive);
  std::lock_guard lock(mutex_);
  EvictionModel model(*db_, in_use);
  Eviction eviction;
  eviction.bytes_before = model.bytes();
  std::unordered_set<std::string> wanted;
  for (const auto& key : keys) wanted.insert(key.hex());
  for (const EvictionModel::Row& row : model.results()) {
    if (!wanted.contains(row.key)) continue;
    model.drop(row);
    eviction.keys.push_back(Hash128::from_hex(row.key));
    eviction.task_variants.emplace_back(row.task, row.variant);
  }
  finish_eviction(model, eviction);
  return eviction;
}

void Store::finish_eviction(const EvictionModel& model, Eviction& eviction) {
  // Deleted in key order, each B-tree walked once from end to end, with room
  // in the page cache for what a large eviction touches (the default 2 MB
  // would spill pages to the WAL and read them back, one by one).
  std::vector<std::string> keys;
  for (const auto& key : eviction.keys) keys.push_back(key.hex());
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> blobs = model.doomed();
  std::sort(blobs.begin(), blobs.end());
  db_->exec("PRAGMA cache_size = -262144");
  sqlite::Transaction txn(*db_);
  auto& result = db_->cached("DELETE FROM results WHERE key=?");
  auto& provenance = db_->cached("DELETE FROM provenance WHERE key=?");
  auto& reads = db_->cached("DELETE FROM reads WHERE key=?");
  for (const auto& key : keys) {
    result.bind(1, key).run();
    provenance.bind(1, key).run();
    reads.bind(1, key).run();
  }
  for (std::int64_t collection : model.doomed_collections()) discard_collection_locked(collection);
  auto& blob = db_->cached("DELETE FROM blobs WHERE hash=?");
  for (const auto& hash : blobs) blob.bind(1, hash).run();
  crash_point("commit");
  txn.commit();
  db_->exec("PRAGMA cache_size = -2000");  // SQLite's default, for the connection's other work
  // Only now the files: before the commit, a crash would leave rows naming
  // missing files; after it, at worst files no row names.
  for (const auto& hash : model.doomed()) {
    if (!model.in_file(hash)) continue;
    std::string name = hash.substr(0, 2) + "/" + hash;
    if (::unlinkat(blobs_.get(), name.c_str(), 0) != 0 && errno != ENOENT) {
      throw std::runtime_error("removing blobs/" + name + ": " + std::strerror(errno));
    }
    crash_point("files");
  }
  eviction.bytes_after = model.bytes();
  eviction.orphan_files = remove_orphan_files(model.kept_files());
}

std::size_t Store::remove_orphan_files(const std::unordered_set<std::string>& kept) {
  // Under the blobs lock, every file in blobs/ is named by a committed row or
  // by none: writers hold the lock from finding the file to committing its row.
  std::size_t removed = 0;
  auto shards = entry_names(Fd(::openat(blobs_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)));
  if (!shards) throw std::runtime_error(std::string("listing blobs/: ") + std::strerror(errno));
  for (const std::string& shard_name : *shards) {
    if (shard_name.size() != 2) continue;  // nothing of ours
    Fd shard(open_below(blobs_.get(), shard_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    auto files = entry_names(Fd(::dup(shard.get())));
    if (!files) continue;
    for (const std::string& name : *files) {
      if (kept.contains(shard_name + "/" + name)) continue;
      if (::unlinkat(shard.get(), name.c_str(), 0) == 0) ++removed;
    }
  }
  return removed;
}

}  // namespace taskfs
