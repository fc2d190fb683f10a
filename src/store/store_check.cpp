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
  return check;
}

std::vector<Hash128> Store::forget_blob(const Hash128& hash) {
  std::vector<Hash128> forgotten;
  {
    std::lock_guard lock(mutex_);
    sqlite::Transaction txn(*db_);
    // The results made of it: those it is the value or view of, and those
    // holding a collection it is an element of (whose rows go too, so that
    // equal elements computed again are not sealed onto the damaged ones).
    // A small element kept in its row has no blob (its bytes are not this one's).
    auto q = db_->prepare(
        "SELECT key FROM results WHERE value_hash=?1 OR view_hash=?1 OR value_hash IN "
        "(SELECT value_hash FROM collections WHERE id IN "
        "(SELECT collection FROM elements WHERE value IS NULL AND (value_hash=?1 OR view_hash=?1)))");
    q.bind(1, hash.hex());
    while (q.step()) forgotten.push_back(Hash128::from_hex(q.column_text(0)));
    q.reset();
    // (A collection still being built is left to its worker: sealed, its
    // damaged element is found when read.)
    auto holders = db_->prepare(
        "SELECT DISTINCT e.collection FROM elements e JOIN collections c ON c.id = e.collection "
        "WHERE c.value_hash IS NOT NULL AND e.value IS NULL AND (e.value_hash=?1 OR e.view_hash=?1)");
    holders.bind(1, hash.hex());
    std::vector<std::int64_t> collections;
    while (holders.step()) collections.push_back(holders.column_int(0));
    holders.reset();
    for (std::int64_t collection : collections) discard_collection_locked(collection);
    for (const Hash128& key : forgotten) {
      db_->cached("DELETE FROM provenance WHERE key=?").bind(1, key.hex()).run();
      db_->cached("DELETE FROM results WHERE key=?").bind(1, key.hex()).run();
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
