// The store's collections (SPEC 6): one row per collection, one per element.
// A collection is built under its row id, invisible until sealed; sealing
// names it by its manifest's hash, the value of the result that holds it.
#include <unistd.h>

#include <string>

#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store/store_lock.hpp"

namespace taskfs {
namespace {

// A collection's value: what makes its hash follow its elements'.
std::string manifest_of(std::uint64_t size, const Hash128& digest) {
  return "taskfs collection 1\nelements " + std::to_string(size) + "\ndigest " + digest.hex() +
         "\n";
}

ElementInfo element_from(sqlite::Statement& q) {
  ElementInfo e;
  e.index = static_cast<std::uint64_t>(q.column_int(0));
  e.name = q.column_text(1);
  e.result.value_hash = Hash128::from_hex(q.column_text(2));
  e.result.value_size = static_cast<std::uint64_t>(q.column_int(3));
  e.result.view_hash = Hash128::from_hex(q.column_text(4));
  e.result.view_offset = static_cast<std::uint64_t>(q.column_int(5));
  e.result.view_size = static_cast<std::uint64_t>(q.column_int(6));
  return e;
}

}  // namespace

std::int64_t Store::begin_collection() {
  std::lock_guard lock(mutex_);
  db_->cached("INSERT INTO collections(value_hash, size, builder) VALUES(NULL, 0, ?)")
      .bind(1, static_cast<std::int64_t>(::getpid()))
      .run();
  return sqlite3_last_insert_rowid(db_->handle());
}

std::vector<Hash128> Store::append_elements(std::int64_t collection, std::uint64_t first,
                                            const std::vector<NewElement>& elements) {
  // Written to tmp/ first, outside any lock (as put_result does).
  std::vector<std::unique_ptr<BlobWriter>> writers;
  std::vector<StagedValue> staged;
  for (const auto& e : elements) {
    writers.push_back(value_writer(e.view));
    writers.back()->sputn(e.value.data(), static_cast<std::streamsize>(e.value.size()));
    staged.push_back(stage_value(*writers.back(), e.view));
  }
  // From putting its blob files in place to naming them (see kBlobsLock).
  StoreLock blobs_lock(dir_, kBlobsLock, StoreLock::Mode::Shared);
  std::lock_guard lock(mutex_);
  for (auto& value : staged) place_value(value);
  sqlite::Transaction txn(*db_);
  auto& insert = db_->cached(
      "INSERT INTO elements(collection, idx, name, value_hash, value_size, view_hash, "
      "view_offset, view_size) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  std::vector<Hash128> hashes;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const ResultInfo& info = staged[i].info;
    record_value(staged[i]);
    try {
      insert.bind(1, collection)
          .bind(2, static_cast<std::int64_t>(first + i))
          .bind(3, elements[i].name)
          .bind(4, info.value_hash.hex())
          .bind(5, static_cast<std::int64_t>(info.value_size))
          .bind(6, info.view_hash.hex())
          .bind(7, static_cast<std::int64_t>(info.view_offset))
          .bind(8, static_cast<std::int64_t>(info.view_size))
          .run();
    } catch (const sqlite::SqliteError& e) {
      if (e.code() != SQLITE_CONSTRAINT_UNIQUE) throw;
      throw std::runtime_error("the collection has two elements named '" + elements[i].name +
                               "' (a tf::Dict key inserted twice)");
    }
    hashes.push_back(info.value_hash);
  }
  txn.commit();
  return hashes;
}

ResultInfo Store::finish_collection(const NewResult& result, std::int64_t collection,
                                    std::uint64_t size, const Hash128& digest) {
  std::string manifest = manifest_of(size, digest);
  std::string value_hash = hash_bytes(manifest).hex();
  // Held until the result names the collection: eviction, which takes it
  // exclusively, never finds a sealed collection that no result names yet.
  StoreLock blobs_lock(dir_, kBlobsLock, StoreLock::Mode::Shared);
  {
    std::lock_guard lock(mutex_);
    sqlite::Transaction txn(*db_);
    auto& same = db_->cached("SELECT 1 FROM collections WHERE value_hash=?");
    bool known = false;
    {
      sqlite::ResetOnExit same_done(same);
      known = same.bind(1, value_hash).step();
    }
    if (known) {
      // Equal elements were sealed before (content-addressed): keep those.
      discard_collection_locked(collection);
    } else {
      db_->cached("UPDATE collections SET value_hash=?, size=? WHERE id=?")
          .bind(1, value_hash)
          .bind(2, static_cast<std::int64_t>(size))
          .bind(3, collection)
          .run();
    }
    txn.commit();
  }
  // Sealed before the result row exists: a crash in between leaves a sealed
  // collection nothing refers to, never a result without its elements.
  return put_result(result, manifest, FileView{});
}

void Store::discard_collection(std::int64_t collection) {
  std::lock_guard lock(mutex_);
  sqlite::Transaction txn(*db_);
  discard_collection_locked(collection);
  txn.commit();
}

void Store::discard_collection_locked(std::int64_t collection) {
  db_->cached("DELETE FROM elements WHERE collection=?").bind(1, collection).run();
  db_->cached("DELETE FROM collections WHERE id=?").bind(1, collection).run();
}

std::optional<CollectionInfo> Store::find_collection(const Hash128& value_hash) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached("SELECT id, size FROM collections WHERE value_hash=?");
  sqlite::ResetOnExit q_done(q);
  if (!q.bind(1, value_hash.hex()).step()) return std::nullopt;
  return CollectionInfo{q.column_int(0), static_cast<std::uint64_t>(q.column_int(1))};
}

std::optional<ElementInfo> Store::find_element(const CollectionInfo& collection,
                                               std::string_view name) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached(
      "SELECT idx, name, value_hash, value_size, view_hash, view_offset, view_size "
      "FROM elements WHERE collection=? AND name=?");
  sqlite::ResetOnExit q_done(q);
  if (!q.bind(1, collection.id).bind(2, std::string(name)).step()) return std::nullopt;
  return element_from(q);
}

std::vector<ElementInfo> Store::elements(const CollectionInfo& collection, std::uint64_t from,
                                         std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached(
      "SELECT idx, name, value_hash, value_size, view_hash, view_offset, view_size "
      "FROM elements WHERE collection=? AND idx>=? ORDER BY idx LIMIT ?");
  sqlite::ResetOnExit q_done(q);
  q.bind(1, collection.id)
      .bind(2, static_cast<std::int64_t>(from))
      .bind(3, static_cast<std::int64_t>(limit));
  std::vector<ElementInfo> out;
  while (q.step()) out.push_back(element_from(q));
  return out;
}

}  // namespace taskfs
