// The store's collections (SPEC 6): one row per collection, one per element.
// A collection is built under its row id, invisible until sealed; sealing
// names it by its manifest's hash, the value of the result that holds it.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <optional>
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

// An element of up to this many bytes (its value and its view's own text)
// is kept in its row: a list of many small elements then costs one row an
// element, no blob rows and no files. Larger ones are blobs, and a large
// one's view a file the kernel can read by itself (passthrough).
constexpr std::size_t kElementInlineLimit = 4096;

// The bytes an inline element keeps in its row besides its value.
std::string_view own_view_text(const NewElement& e) {
  return e.view.is_value_suffix ? std::string_view() : std::string_view(e.view.text);
}

bool fits_inline(const NewElement& e) {
  return e.value.size() + own_view_text(e).size() <= kElementInlineLimit;
}

// Where an inline element's value and view are, as stage_value would say
// for blobs (the same content hashes).
ResultInfo inline_info(const NewElement& e) {
  ResultInfo info;
  info.value_hash = hash_bytes(e.value);
  info.value_size = e.value.size();
  if (e.view.is_value_suffix) {
    info.view_hash = info.value_hash;
    info.view_offset = std::min<std::uint64_t>(e.view.suffix_offset, e.value.size());
    info.view_size = info.value_size - info.view_offset;
  } else {
    info.view_hash = hash_bytes(e.view.text);
    info.view_size = e.view.text.size();
  }
  return info;
}

// The columns element_from reads, in order.
#define TASKFS_ELEMENT_COLUMNS \
  "idx, name, value_hash, value_size, view_hash, view_offset, view_size, value, view"

ElementInfo element_from(sqlite::Statement& q) {
  ElementInfo e;
  e.index = static_cast<std::uint64_t>(q.column_int(0));
  e.name = q.column_text(1);
  e.result.value_hash = Hash128::from_hex(q.column_text(2));
  e.result.value_size = static_cast<std::uint64_t>(q.column_int(3));
  e.result.view_hash = Hash128::from_hex(q.column_text(4));
  e.result.view_offset = static_cast<std::uint64_t>(q.column_int(5));
  e.result.view_size = static_cast<std::uint64_t>(q.column_int(6));
  if (!q.column_is_null(7)) {
    InlineElement bytes{std::string(q.column_blob(7)), {}};
    if (q.column_is_null(8)) {
      bytes.view = bytes.value.substr(
          std::min<std::size_t>(e.result.view_offset, bytes.value.size()), e.result.view_size);
    } else {
      bytes.view = q.column_blob(8);
    }
    e.stored_inline = std::move(bytes);
  }
  return e;
}

// The index a List's element name spells ("0", "1", ...: no sign, no
// leading zero), below `size`; nullopt for any other name.
std::optional<std::uint64_t> index_named(std::string_view name, std::uint64_t size) {
  if (name.empty() || (name.size() > 1 && name[0] == '0')) return std::nullopt;
  std::uint64_t index = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
  if (ec != std::errc{} || end != name.data() + name.size() || index >= size) return std::nullopt;
  return index;
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
  // Large elements are written to tmp/ first, outside any lock (as
  // put_result does); small ones go into their rows as they are.
  std::vector<std::unique_ptr<BlobWriter>> writers;
  std::vector<std::optional<StagedValue>> staged;  // empty for an inline element
  std::vector<ResultInfo> infos;
  std::int64_t inline_bytes = 0;
  for (const auto& e : elements) {
    if (fits_inline(e)) {
      staged.emplace_back();
      infos.push_back(inline_info(e));
      inline_bytes += static_cast<std::int64_t>(e.value.size() + own_view_text(e).size());
      continue;
    }
    writers.push_back(value_writer(e.view));
    writers.back()->sputn(e.value.data(), static_cast<std::streamsize>(e.value.size()));
    staged.push_back(stage_value(*writers.back(), e.view));
    infos.push_back(staged.back()->info);
  }
  // From putting its blob files in place to naming them (see kBlobsLock).
  StoreLock blobs_lock(dir_, kBlobsLock, StoreLock::Mode::Shared);
  std::lock_guard lock(mutex_);
  for (auto& value : staged) {
    if (value) place_value(*value);
  }
  sqlite::Transaction txn(*db_);
  auto& insert = db_->cached(
      "INSERT INTO elements(collection, idx, name, value_hash, value_size, view_hash, "
      "view_offset, view_size, value, view) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::vector<Hash128> hashes;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const ResultInfo& info = infos[i];
    insert.bind(1, collection)
        .bind(2, static_cast<std::int64_t>(first + i))
        .bind(3, elements[i].name)
        .bind(4, info.value_hash.hex())
        .bind(5, static_cast<std::int64_t>(info.value_size))
        .bind(6, info.view_hash.hex())
        .bind(7, static_cast<std::int64_t>(info.view_offset))
        .bind(8, static_cast<std::int64_t>(info.view_size));
    if (staged[i]) {
      record_value(*staged[i]);
      insert.bind_null(9).bind_null(10);
    } else {
      // A zero-length blob, not NULL, for an empty value: NULL means "in blobs".
      insert.bind_blob(9, elements[i].value);
      if (elements[i].view.is_value_suffix) {
        insert.bind_null(10);
      } else {
        insert.bind_blob(10, elements[i].view.text);
      }
    }
    try {
      insert.run();
    } catch (const sqlite::SqliteError& e) {
      if (e.code() != SQLITE_CONSTRAINT_UNIQUE) throw;
      throw std::runtime_error("the collection has two elements named '" + elements[i].name +
                               "' (a tf::Dict key inserted twice)");
    }
    hashes.push_back(info.value_hash);
  }
  if (inline_bytes > 0) {
    db_->cached("UPDATE collections SET inline_bytes = inline_bytes + ? WHERE id=?")
        .bind(1, inline_bytes)
        .bind(2, collection)
        .run();
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
  // A List's names are its indices: found by the row's key, without the
  // name index (a Dict's name that spells an index is checked, then looked
  // up by name).
  if (std::optional<std::uint64_t> index = index_named(name, collection.size)) {
    auto& q =
        db_->cached("SELECT " TASKFS_ELEMENT_COLUMNS " FROM elements WHERE collection=? AND idx=?");
    sqlite::ResetOnExit q_done(q);
    if (q.bind(1, collection.id).bind(2, static_cast<std::int64_t>(*index)).step() &&
        q.column_text(1) == name) {
      return element_from(q);
    }
  }
  auto& q =
      db_->cached("SELECT " TASKFS_ELEMENT_COLUMNS " FROM elements WHERE collection=? AND name=?");
  sqlite::ResetOnExit q_done(q);
  if (!q.bind(1, collection.id).bind(2, std::string(name)).step()) return std::nullopt;
  return element_from(q);
}

std::vector<ElementInfo> Store::elements(const CollectionInfo& collection, std::uint64_t from,
                                         std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached("SELECT " TASKFS_ELEMENT_COLUMNS
                        " FROM elements WHERE collection=? AND idx>=? ORDER BY idx LIMIT ?");
  sqlite::ResetOnExit q_done(q);
  q.bind(1, collection.id)
      .bind(2, static_cast<std::int64_t>(from))
      .bind(3, static_cast<std::int64_t>(limit));
  std::vector<ElementInfo> out;
  while (q.step()) out.push_back(element_from(q));
  return out;
}

}  // namespace taskfs
