// Checking and repairing a store (`taskfs fsck`, and a mount's start): blobs
// read back against their content hash, damaged ones forgotten so that the
// next read computes their results again, temporary files of dead writers
// removed.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store/store_lock.hpp"
#include "sys/dir.hpp"
#include "sys/io.hpp"

namespace taskfs {
namespace {

// A blob as its row records it.
struct BlobRow {
  Hash128 hash;
  std::uint64_t size = 0;
};

// The pid a temporary file's name starts with ("<pid>-<n>", see BlobFileWriter).
std::optional<pid_t> writer_of(std::string_view name) {
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (ec != std::errc{} || end == name.data() || *end != '-' || pid <= 0) return std::nullopt;
  return pid;
}

}  // namespace

StoreCheck Store::check_blobs() {
  std::vector<BlobRow> rows;
  {
    std::lock_guard lock(mutex_);
    auto q = db_->prepare("SELECT hash, size FROM blobs");
    while (q.step()) {
      rows.push_back(
          {Hash128::from_hex(q.column_text(0)), static_cast<std::uint64_t>(q.column_int(1))});
    }
  }
  StoreCheck check;
  std::vector<char> buf(1 << 20);
  for (const BlobRow& row : rows) {
    ++check.checked;
    std::string wrong;
    try {
      BlobReader reader = open_blob(row.hash, 0, row.size);
      Hasher hasher;
      for (std::uint64_t at = 0; at < reader.size();) {
        std::size_t n = reader.read(buf.data(), buf.size(), at);
        hasher.bytes(std::string_view(buf.data(), n));
        at += n;
      }
      if (hasher.finish() != row.hash) wrong = "its bytes do not hash to its name";
    } catch (const DamagedBlob& e) {
      wrong = e.what();
    } catch (const std::runtime_error& e) {  // shorter than its record while read
      wrong = e.what();
    }
    if (wrong.empty()) continue;
    forget_blob(row.hash);
    check.damaged.emplace_back(row.hash, wrong);
  }
  check_inline_elements(check);
  return check;
}

void Store::check_inline_elements(StoreCheck& check) {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::int64_t, std::pair<Hash128, std::string>>> damaged;
  {
    // (A collection still being built is left to its worker, as for blobs.)
    auto q = db_->prepare(
        "SELECT e.collection, e.idx, e.value_hash, e.value, e.view_hash, e.view FROM elements e "
        "JOIN collections c ON c.id = e.collection "
        "WHERE c.value_hash IS NOT NULL AND e.value IS NOT NULL");
    while (q.step()) {
      ++check.checked;
      Hash128 value_hash = Hash128::from_hex(q.column_text(2));
      Hash128 view_hash = Hash128::from_hex(q.column_text(4));
      // A view without bytes of its own is a suffix of the value: same hash.
      bool intact = hash_bytes(q.column_blob(3)) == value_hash &&
                    view_hash == (q.column_is_null(5) ? value_hash : hash_bytes(q.column_blob(5)));
      if (intact) continue;
      damaged.push_back(
          {q.column_int(0),
           {value_hash,
            "element " + std::to_string(q.column_int(1)) +
                " of a collection, kept in its row: its bytes do not hash to its name"}});
    }
  }
  if (damaged.empty()) return;
  sqlite::Transaction txn(*db_);
  for (auto& [collection, report] : damaged) {
    forget_collection_locked(collection);
    check.damaged.push_back(std::move(report));
  }
  txn.commit();
}

std::vector<Hash128> Store::forget_collection_locked(std::int64_t collection) {
  std::vector<Hash128> forgotten;
  auto q = db_->prepare(
      "SELECT key FROM results WHERE value_hash = (SELECT value_hash FROM collections WHERE id=?)");
  q.bind(1, collection);
  while (q.step()) forgotten.push_back(Hash128::from_hex(q.column_text(0)));
  q.reset();
  for (const Hash128& key : forgotten) forget_result_rows_locked(key);
  discard_collection_locked(collection);
  return forgotten;
}

void Store::forget_result_rows_locked(const Hash128& key) {
  db_->cached("DELETE FROM provenance WHERE key=?").bind(1, key.hex()).run();
  db_->cached("DELETE FROM results WHERE key=?").bind(1, key.hex()).run();
}

std::vector<Hash128> Store::forget_blob(const Hash128& hash) {
  std::vector<Hash128> forgotten;
  {
    std::lock_guard lock(mutex_);
    sqlite::Transaction txn(*db_);
    // The results made of it: those it is the value or view of, and those
    // holding a collection it is an element of (whose rows go too, so that
    // equal elements computed again are not sealed onto the damaged ones).
    auto q = db_->prepare("SELECT key FROM results WHERE value_hash=?1 OR view_hash=?1");
    q.bind(1, hash.hex());
    while (q.step()) forgotten.push_back(Hash128::from_hex(q.column_text(0)));
    q.reset();
    for (const Hash128& key : forgotten) forget_result_rows_locked(key);
    // (A collection still being built is left to its worker: sealed, its
    // damaged element is found when read. A small element kept in its row
    // has no blob: its bytes are not this one's.)
    auto holders = db_->prepare(
        "SELECT DISTINCT e.collection FROM elements e JOIN collections c ON c.id = e.collection "
        "WHERE c.value_hash IS NOT NULL AND e.value IS NULL AND (e.value_hash=?1 OR "
        "e.view_hash=?1)");
    holders.bind(1, hash.hex());
    std::vector<std::int64_t> collections;
    while (holders.step()) collections.push_back(holders.column_int(0));
    holders.reset();
    for (std::int64_t collection : collections) {
      std::vector<Hash128> held = forget_collection_locked(collection);
      forgotten.insert(forgotten.end(), held.begin(), held.end());
    }
    db_->cached("DELETE FROM blobs WHERE hash=?").bind(1, hash.hex()).run();
    txn.commit();
  }
  // After the rows: a crash in between leaves a file no row names, never a
  // row without its file.
  ::unlinkat(blobs_.get(), blob_name(hash).c_str(), 0);
  return forgotten;
}

std::size_t Store::remove_stale_temp_files() {
  auto names = entry_names(Fd(::openat(tmp_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)));
  if (!names) return 0;
  std::vector<std::string> stale;
  for (const std::string& name : *names) {
    std::optional<pid_t> writer = writer_of(name);
    if (writer && writer_gone(*writer)) stale.push_back(name);
  }
  std::size_t removed = 0;
  for (const auto& name : stale) removed += ::unlinkat(tmp_.get(), name.c_str(), 0) == 0;
  return removed;
}

}  // namespace taskfs
