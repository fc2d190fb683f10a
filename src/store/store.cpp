#include "store/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "log.hpp"
#include "store/blob_file.hpp"
#include "store/sqlite.hpp"
#include "store/store_lock.hpp"
#include "sys/fd.hpp"

namespace taskfs {
namespace {

constexpr const char* kDatabaseName = "taskfs.db";

constexpr const char* kSchema = R"sql(
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE blobs(hash TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB);
CREATE TABLE results(
  key TEXT PRIMARY KEY, task TEXT NOT NULL, variant TEXT NOT NULL,
  value_hash TEXT NOT NULL, value_size INTEGER NOT NULL,
  view_hash TEXT NOT NULL, view_offset INTEGER NOT NULL, view_size INTEGER NOT NULL,
  created REAL NOT NULL);
CREATE INDEX results_by_task ON results(task, variant);
CREATE TABLE provenance(key TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX provenance_by_key ON provenance(key);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY, task TEXT NOT NULL, variant TEXT NOT NULL, key TEXT NOT NULL,
  started REAL NOT NULL, seconds REAL NOT NULL, ok INTEGER NOT NULL, error TEXT NOT NULL);
CREATE INDEX runs_by_task ON runs(task);
)sql";

// Version 2 keeps input-file digests and catalogs across processes.
constexpr const char* kUpgradeTo2 = R"sql(
CREATE TABLE file_digests(
  path TEXT PRIMARY KEY, device INTEGER NOT NULL, inode INTEGER NOT NULL, size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE catalogs(library TEXT PRIMARY KEY, stamp TEXT NOT NULL, data BLOB NOT NULL);
UPDATE meta SET value = '2' WHERE name = 'schema_version';
)sql";

// Version 3 keeps the first bytes of a large value in the row (`head`) and the
// rest in its file, so that a string result's file view is a whole file.
constexpr const char* kUpgradeTo3 = R"sql(
ALTER TABLE blobs ADD COLUMN head BLOB;
UPDATE meta SET value = '3' WHERE name = 'schema_version';
)sql";

// Version 4 counts the reads of each result (written in batches by the
// daemon): `taskfs why` shows them, and eviction goes least recently read first.
constexpr const char* kUpgradeTo4 = R"sql(
CREATE TABLE reads(key TEXT PRIMARY KEY, count INTEGER NOT NULL, last_read REAL NOT NULL);
UPDATE meta SET value = '4' WHERE name = 'schema_version';
)sql";

// Version 5 stores collections element by element (SPEC 6, store/collections.cpp):
// a collection's value_hash is NULL until it is sealed, its builder the pid of
// the process building it (gone: the collection is garbage). Kept catalogs are
// dropped: they have the task layout of before (no collection flag).
constexpr const char* kUpgradeTo5 = R"sql(
CREATE TABLE collections(
  id INTEGER PRIMARY KEY, value_hash TEXT UNIQUE, size INTEGER NOT NULL, builder INTEGER);
CREATE TABLE elements(
  collection INTEGER NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL,
  value_hash TEXT NOT NULL, value_size INTEGER NOT NULL,
  view_hash TEXT NOT NULL, view_offset INTEGER NOT NULL, view_size INTEGER NOT NULL,
  PRIMARY KEY(collection, idx)) WITHOUT ROWID;
CREATE UNIQUE INDEX elements_by_name ON elements(collection, name);
DELETE FROM catalogs;
UPDATE meta SET value = '5' WHERE name = 'schema_version';
)sql";

// Version 6 keeps a small element's bytes in its row (`value`, and `view`
// when its file view is a text of its own): no blob rows, no files. An
// element whose `value` is NULL has blobs, as every element of version 5
// has. A collection's `inline_bytes` sums its elements' row bytes, which
// store_max_size, eviction and du count beside the blobs. `elements_in_blobs`
// lists the elements that name blobs: eviction and a damaged blob read it,
// not the rows of a million small elements.
constexpr const char* kUpgradeTo6 = R"sql(
ALTER TABLE elements ADD COLUMN value BLOB;
ALTER TABLE elements ADD COLUMN view BLOB;
ALTER TABLE collections ADD COLUMN inline_bytes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX elements_in_blobs ON elements(collection, value_hash, view_hash) WHERE value IS NULL;
UPDATE meta SET value = '6' WHERE name = 'schema_version';
)sql";

// The upgrade from schema version N to N + 1 is kUpgrades[N - 1].
constexpr std::array kUpgrades{kUpgradeTo2, kUpgradeTo3, kUpgradeTo4, kUpgradeTo5, kUpgradeTo6};

// What a directory may hold before the store's database exists: the log and
// the lock of a first start that failed, the directories of one interrupted.
bool is_store_entry(const std::filesystem::path& name) {
  return name.extension() == ".log" || name.extension() == ".lock" || name == "blobs" ||
         name == "tmp" || name == "locks";
}

// `dir`, once it is known not to hold someone else's files: a store is never
// made in a directory of other files.
std::filesystem::path refuse_foreign(std::filesystem::path dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw StoreError(dir.string() + " is not a taskfs store (it is a file, not a directory)");
  }
  if (!fs::exists(dir, ec) || fs::exists(fs::symlink_status(dir / kDatabaseName, ec))) return dir;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!is_store_entry(entry.path().filename())) {
      throw StoreError(dir.string() + " is not a taskfs store (it holds other files and no " +
                       kDatabaseName + "); refusing to write into it");
    }
  }
  return dir;
}

}  // namespace

Store::Store(std::filesystem::path dir) : dir_(refuse_foreign(std::move(dir))) {
  std::string db_path = (dir_.path() / kDatabaseName).string();
  bool fresh = ::faccessat(dir_.fd(), kDatabaseName, F_OK, AT_SYMLINK_NOFOLLOW) != 0;
  if (fresh) {
    // Made here, 0600 and not through a link; SQLite gives its -wal and -shm
    // files the database's mode.
    Fd created(dir_.open(kDatabaseName, O_RDWR | O_CREAT | O_EXCL));
    if (created.get() < 0 && errno != EEXIST) {  // EEXIST: another process was first
      throw StoreError("cannot create " + db_path + ": " + std::strerror(errno));
    }
  }
  try {
    db_ = std::make_unique<sqlite::Database>(db_path, fresh);
    check_or_create_schema(fresh);
  } catch (const sqlite::SqliteError& e) {
    if ((e.code() & 0xff) == SQLITE_NOTADB) {
      throw StoreError(db_path + " is not a taskfs store (not an SQLite database); left untouched");
    }
    throw StoreError("cannot open the store " + db_path + ": " + e.what());
  }
  if (dir_.tighten()) {
    log_line("the store " + dir_.path().string() +
             " could be read by other users; it is now readable by its owner only (0700)");
  }
  // Only a store that checked out gains its blob directories.
  blobs_ = dir_.open_subdir("blobs");
  tmp_ = dir_.open_subdir("tmp");
  locks_ = dir_.open_subdir("locks");
}

Store::~Store() = default;

void Store::check_or_create_schema(bool fresh) {
  if (fresh) {
    db_->exec("PRAGMA journal_mode=WAL");
    sqlite::Transaction txn(*db_);
    db_->exec(kSchema);
    db_->exec("INSERT INTO meta VALUES('schema_version', '1'), ('application', 'taskfs')");
    for (const char* upgrade : kUpgrades) db_->exec(upgrade);
    txn.commit();
  }
  // Reading the schema first: on a file that is not a database this is what fails.
  auto has_meta =
      db_->prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
  has_meta.step();
  if (has_meta.column_int(0) == 0) {
    throw StoreError((dir() / kDatabaseName).string() +
                     " is an SQLite database but not a taskfs store; left untouched");
  }
  std::string found = schema_version();
  static_assert(kUpgrades.size() + 1 == kSchemaVersion);
  int older = 0;
  for (int v = 1; v < kSchemaVersion; ++v) {
    if (found == std::to_string(v)) older = v;
  }
  if (older != 0) {
    // Our own older layout: upgraded in one transaction, said in the log.
    sqlite::Transaction txn(*db_);
    for (int v = older; v < kSchemaVersion; ++v) db_->exec(kUpgrades[v - 1]);
    txn.commit();
    log_line("upgraded the store " + dir().string() + " from schema version " + found + " to " +
             std::to_string(kSchemaVersion));
    found = schema_version();
  }
  if (found != std::to_string(kSchemaVersion)) {
    throw StoreError("the store " + dir().string() + " has schema version " + found +
                     ", this taskfs reads version " + std::to_string(kSchemaVersion) +
                     "; refusing to change it (use a newer taskfs, or another --store)");
  }
  db_->exec("PRAGMA journal_mode=WAL");
  db_->exec("PRAGMA synchronous=NORMAL");
  // A checkpoint every 64 MiB of WAL rather than SQLite's 4 MiB: a collection
  // of a million small elements writes some 250 MiB of rows, and each
  // checkpoint costs two fsyncs (a third of its writing time at 4 MiB).
  db_->exec("PRAGMA wal_autocheckpoint=16384");
}

std::string Store::schema_version() {
  auto version = db_->prepare("SELECT value FROM meta WHERE name='schema_version'");
  return version.step() ? version.column_text(0) : "none";
}

std::string Store::blob_name(const Hash128& hash) {
  std::string hex = hash.hex();
  return hex.substr(0, 2) + "/" + hex;
}

void Store::record_blob(const StagedBlob& blob) {
  insert_blob_row(blob.hash, blob.size, blob.in_file, blob.bytes);
}

void Store::insert_blob_row(const Hash128& hash, std::uint64_t size, bool in_file,
                            std::string_view bytes) {
  auto& insert =
      db_->cached("INSERT OR IGNORE INTO blobs(hash, size, data, head) VALUES(?, ?, ?, ?)");
  insert.bind(1, hash.hex()).bind(2, static_cast<std::int64_t>(size));
  if (in_file) {
    insert.bind_null(3).bind_blob(4, bytes);
  } else {
    insert.bind_blob(3, bytes).bind_null(4);
  }
  insert.run();
}

void Store::insert_result_row(const std::string& key, const std::string& task,
                              const std::string& variant, const ResultInfo& info) {
  db_->cached("INSERT OR REPLACE INTO results VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, key)
      .bind(2, task)
      .bind(3, variant)
      .bind(4, info.value_hash.hex())
      .bind(5, static_cast<std::int64_t>(info.value_size))
      .bind(6, info.view_hash.hex())
      .bind(7, static_cast<std::int64_t>(info.view_offset))
      .bind(8, static_cast<std::int64_t>(info.view_size))
      .bind(9, info.created)
      .run();
}

bool Store::has_blob(const Hash128& hash) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached("SELECT 1 FROM blobs WHERE hash=?");
  sqlite::ResetOnExit q_done(q);
  return q.bind(1, hash.hex()).step();
}

bool Store::stream_in(const BlobFetch& fetch, ImportedBlob& blob, std::size_t head_size) {
  if (blob.size <= kInlineLimit) {
    return fetch(blob.hash, blob.size, [&](std::string_view data) { blob.bytes += data; });
  }
  // Like a computed blob: the head stays in the row, the rest is its file.
  BlobFileWriter file(tmp_.get());
  bool whole = fetch(blob.hash, blob.size, [&](std::string_view data) {
    std::size_t to_head = std::min(head_size - blob.bytes.size(), data.size());
    blob.bytes.append(data.substr(0, to_head));
    file.append(data.substr(to_head));
  });
  if (whole) file.commit(blobs_.get(), blob_name(blob.hash));
  return whole;
}

bool Store::import_result(const Hash128& key, const std::string& task, const std::string& variant,
                          const ResultInfo& info, const BlobFetch& fetch) {
  // From finding a blob in place to naming it (see kBlobsLock).
  StoreLock blobs_lock(dir_, kBlobsLock, StoreLock::Mode::Shared);
  bool view_in_value = info.view_hash == info.value_hash;
  std::vector<std::pair<ImportedBlob, std::size_t>> wanted;  // with their head sizes
  wanted.push_back({{info.value_hash, info.value_size, {}}, view_in_value ? info.view_offset : 0});
  if (!view_in_value) wanted.push_back({{info.view_hash, info.view_size, {}}, 0});
  std::vector<ImportedBlob> fetched;
  for (auto& [blob, head_size] : wanted) {
    if (has_blob(blob.hash)) continue;
    if (!stream_in(fetch, blob, head_size)) return false;
    fetched.push_back(std::move(blob));
  }
  std::lock_guard lock(mutex_);
  sqlite::Transaction txn(*db_);
  for (const auto& blob : fetched) {
    insert_blob_row(blob.hash, blob.size, blob.size > kInlineLimit, blob.bytes);
  }
  insert_result_row(key.hex(), task, variant, info);
  txn.commit();
  return true;
}

std::optional<ResultInfo> Store::find_result(const Hash128& key) {
  std::lock_guard lock(mutex_);
  return find_result_locked(key);
}

std::vector<std::optional<ResultInfo>> Store::find_results(const std::vector<Hash128>& keys) {
  std::lock_guard lock(mutex_);
  db_->exec("BEGIN");
  std::vector<std::optional<ResultInfo>> found;
  try {
    for (const auto& key : keys) found.push_back(find_result_locked(key));
  } catch (...) {
    db_->exec("ROLLBACK");
    throw;
  }
  db_->exec("COMMIT");
  return found;
}

std::optional<ResultInfo> Store::find_result_locked(const Hash128& key) {
  auto& q = db_->cached(
      "SELECT value_hash, value_size, view_hash, view_offset, view_size, created FROM results "
      "WHERE key=?");
  sqlite::ResetOnExit q_done(q);
  if (!q.bind(1, key.hex()).step()) return std::nullopt;
  return ResultInfo{
      Hash128::from_hex(q.column_text(0)),         static_cast<std::uint64_t>(q.column_int(1)),
      Hash128::from_hex(q.column_text(2)),         static_cast<std::uint64_t>(q.column_int(3)),
      static_cast<std::uint64_t>(q.column_int(4)), q.column_double(5)};
}

std::unique_ptr<BlobWriter> Store::value_writer(const FileView& view) {
  // A view that is a suffix of the value leaves the value's first bytes (a
  // size prefix, say) in the row: the view is then the whole blob file, which
  // the kernel can read by itself (passthrough). This is the one place that
  // splits a blob into a head and a file; BlobReader joins them back.
  return std::make_unique<BlobWriter>(tmp_.get(), view.is_value_suffix ? view.suffix_offset : 0);
}

Store::StagedValue Store::stage_value(BlobWriter& value, const FileView& view) {
  StagedValue staged{&value, nullptr, {}};
  const StagedBlob& bytes = value.finish();
  ResultInfo& info = staged.info;
  info.value_hash = bytes.hash;
  info.value_size = bytes.size;
  if (view.is_value_suffix) {
    info.view_hash = info.value_hash;
    info.view_offset = std::min<std::uint64_t>(view.suffix_offset, bytes.size);
    info.view_size = bytes.size - info.view_offset;
  } else {
    staged.text = std::make_unique<BlobWriter>(tmp_.get(), 0);
    staged.text->sputn(view.text.data(), static_cast<std::streamsize>(view.text.size()));
    info.view_hash = staged.text->finish().hash;
    info.view_size = view.text.size();
  }
  return staged;
}

void Store::place_value(StagedValue& staged) {
  staged.value->commit(blobs_.get(), blob_name(staged.info.value_hash));
  if (staged.text) staged.text->commit(blobs_.get(), blob_name(staged.info.view_hash));
}

void Store::record_value(const StagedValue& staged) {
  record_blob(staged.value->finish());
  if (staged.text) record_blob(staged.text->finish());
}

ResultInfo Store::put_result(const NewResult& r, std::string_view value, const FileView& view) {
  std::unique_ptr<BlobWriter> writer = value_writer(view);
  writer->sputn(value.data(), static_cast<std::streamsize>(value.size()));
  return put_result(r, *writer, view);
}

ResultInfo Store::put_result(const NewResult& r, BlobWriter& value, const FileView& view) {
  return put_results({{r, &value, view}}).front();
}

std::vector<ResultInfo> Store::put_results(const std::vector<ResultToStore>& results) {
  // Blob files are written to tmp/ before any lock (the values' while they
  // were serialized), renamed into place under the blobs lock and named by
  // the transaction; an orphan left by a crash is only unused disk.
  std::vector<StagedValue> staged;
  std::vector<ResultInfo> infos;
  for (const ResultToStore& r : results) {
    staged.push_back(stage_value(*r.value, r.view));
    infos.push_back(staged.back().info);
    infos.back().created = r.result.started + r.result.seconds;
  }
  // From putting their blob files in place to naming them (see kBlobsLock).
  StoreLock blobs_lock(dir_, kBlobsLock, StoreLock::Mode::Shared);
  std::lock_guard lock(mutex_);
  for (StagedValue& s : staged) place_value(s);
  sqlite::Transaction txn(*db_);
  for (std::size_t i = 0; i < results.size(); ++i) {
    record_value(staged[i]);
    record_result(results[i].result, infos[i]);
  }
  txn.commit();
  return infos;
}

void Store::record_result(const NewResult& r, const ResultInfo& info) {
  std::string key = r.key.hex();
  if (r.cache) {
    insert_result_row(key, r.task, r.variant, info);
    db_->cached("DELETE FROM provenance WHERE key=?").bind(1, key).run();
    auto& prov = db_->cached("INSERT INTO provenance VALUES(?, ?, ?, ?)");
    for (const auto& p : r.provenance) {
      prov.bind(1, key).bind(2, p.kind).bind(3, p.name).bind(4, p.value).run();
    }
  }
  if (r.record_run) {
    db_->cached(
           "INSERT INTO runs(task, variant, key, started, seconds, ok, error) "
           "VALUES(?, ?, ?, ?, ?, 1, '')")
        .bind(1, r.task)
        .bind(2, r.variant)
        .bind(3, key)
        .bind(4, r.started)
        .bind(5, r.seconds)
        .run();
  }
}

void Store::record_run(const RunRecord& run) {
  std::lock_guard lock(mutex_);
  db_->cached(
         "INSERT INTO runs(task, variant, key, started, seconds, ok, error) "
         "VALUES(?, ?, ?, ?, ?, ?, ?)")
      .bind(1, run.task)
      .bind(2, run.variant)
      .bind(3, run.key)
      .bind(4, run.started)
      .bind(5, run.seconds)
      .bind(6, static_cast<std::int64_t>(run.ok ? 1 : 0))
      .bind(7, run.error)
      .run();
}

std::string Store::read_blob(const Hash128& hash) {
  BlobReader reader = open_blob(hash, 0, UINT64_MAX);
  std::string bytes(reader.size(), '\0');
  try {
    reader.read(bytes.data(), bytes.size(), 0);
  } catch (const std::runtime_error& e) {  // truncated since it was opened
    throw DamagedBlob(hash, e.what());
  }
  return bytes;
}

BlobReader Store::open_blob(const Hash128& hash, std::uint64_t offset, std::uint64_t size) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached("SELECT size, data IS NULL, data, head FROM blobs WHERE hash=?");
  sqlite::ResetOnExit q_done(q);
  if (!q.bind(1, hash.hex()).step()) {
    throw DamagedBlob(hash, "the store has no blob " + hash.hex());
  }
  auto total = static_cast<std::uint64_t>(q.column_int(0));
  offset = std::min(offset, total);
  size = std::min(size, total - offset);
  if (q.column_int(1) == 0) return BlobReader(std::string(q.column_blob(2)), offset, size);
  // The blob is its head (in the row) followed by its file.
  std::string_view head = q.column_blob(3);
  std::string name = blob_name(hash);
  Fd fd(open_below(blobs_.get(), name, O_RDONLY));
  std::string shown = (dir() / "blobs" / name).string();
  if (!fd && errno == ENOENT) throw DamagedBlob(hash, "the stored result " + shown + " is missing");
  if (!fd)
    throw std::runtime_error("cannot open stored result " + shown + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    throw std::runtime_error("cannot stat stored result " + shown + ": " + std::strerror(errno));
  }
  if (static_cast<std::uint64_t>(st.st_size) + head.size() != total) {
    throw DamagedBlob(hash, "the stored result " + shown + " has " + std::to_string(st.st_size) +
                                " bytes, not " + std::to_string(total - head.size()));
  }
  if (offset >= head.size()) return BlobReader(std::move(fd), offset - head.size(), size);
  return BlobReader(std::string(head.substr(offset)), std::move(fd), size);
}

std::vector<std::string> Store::variants(const std::string& task) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached("SELECT DISTINCT variant FROM results WHERE task=? ORDER BY variant");
  sqlite::ResetOnExit q_done(q);
  q.bind(1, task);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.column_text(0));
  return out;
}

std::vector<RunRecord> Store::recent_runs(int limit) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached(
      "SELECT task, variant, key, started, seconds, ok, error FROM runs ORDER BY id DESC LIMIT ?");
  sqlite::ResetOnExit q_done(q);
  q.bind(1, static_cast<std::int64_t>(limit));
  std::vector<RunRecord> out;
  while (q.step()) {
    out.push_back({q.column_text(0), q.column_text(1), q.column_text(2), q.column_double(3),
                   q.column_double(4), q.column_int(5) != 0, q.column_text(6)});
  }
  return out;
}

std::vector<CachedRun> Store::cached_runs(const std::string& task) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached(
      "SELECT key, value_hash, value_size, view_hash, view_offset, view_size, created "
      "FROM results WHERE task=? ORDER BY created");
  sqlite::ResetOnExit q_done(q);
  q.bind(1, task);
  std::vector<CachedRun> out;
  while (q.step()) {
    out.push_back(
        {Hash128::from_hex(q.column_text(0)),
         {Hash128::from_hex(q.column_text(1)), static_cast<std::uint64_t>(q.column_int(2)),
          Hash128::from_hex(q.column_text(3)), static_cast<std::uint64_t>(q.column_int(4)),
          static_cast<std::uint64_t>(q.column_int(5)), q.column_double(6)},
         {}});
  }
  auto& p = db_->cached("SELECT kind, name, value FROM provenance WHERE key=?");
  for (auto& run : out) {
    sqlite::ResetOnExit p_done(p);
    p.bind(1, run.key.hex());
    while (p.step())
      run.provenance.push_back({p.column_text(0), p.column_text(1), p.column_text(2)});
  }
  return out;
}

std::optional<RunRecord> Store::run_of(const Hash128& key) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached(
      "SELECT task, variant, key, started, seconds, ok, error FROM runs WHERE key=? AND ok=1 "
      "ORDER BY id DESC LIMIT 1");
  sqlite::ResetOnExit q_done(q);
  if (!q.bind(1, key.hex()).step()) return std::nullopt;
  return RunRecord{q.column_text(0),   q.column_text(1),     q.column_text(2), q.column_double(3),
                   q.column_double(4), q.column_int(5) != 0, q.column_text(6)};
}

std::vector<FileDigest> Store::load_file_digests() {
  std::lock_guard lock(mutex_);
  auto& q =
      db_->cached("SELECT path, device, inode, size, mtime_ns, ctime_ns, hash FROM file_digests");
  sqlite::ResetOnExit q_done(q);
  std::vector<FileDigest> out;
  while (q.step()) {
    FileStamp stamp{static_cast<dev_t>(q.column_int(1)), static_cast<ino_t>(q.column_int(2)),
                    static_cast<off_t>(q.column_int(3)), q.column_int(4), q.column_int(5)};
    out.push_back({q.column_text(0), stamp, Hash128::from_hex(q.column_text(6))});
  }
  return out;
}

void Store::save_file_digests(const std::vector<FileDigest>& digests) {
  std::lock_guard lock(mutex_);
  sqlite::Transaction txn(*db_);
  auto& insert = db_->cached("INSERT OR REPLACE INTO file_digests VALUES(?, ?, ?, ?, ?, ?, ?)");
  for (const auto& d : digests) {
    insert.bind(1, d.path)
        .bind(2, static_cast<std::int64_t>(d.stamp.device))
        .bind(3, static_cast<std::int64_t>(d.stamp.inode))
        .bind(4, static_cast<std::int64_t>(d.stamp.size))
        .bind(5, static_cast<std::int64_t>(d.stamp.mtime_ns))
        .bind(6, static_cast<std::int64_t>(d.stamp.ctime_ns))
        .bind(7, d.hash.hex())
        .run();
  }
  txn.commit();
}

std::optional<std::string> Store::find_catalog(const std::string& library,
                                               const std::string& stamp) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached("SELECT data FROM catalogs WHERE library=? AND stamp=?");
  sqlite::ResetOnExit q_done(q);
  if (!q.bind(1, library).bind(2, stamp).step()) return std::nullopt;
  return std::string(q.column_blob(0));
}

void Store::save_catalog(const std::string& library, const std::string& stamp,
                         std::string_view data) {
  std::lock_guard lock(mutex_);
  db_->cached("INSERT OR REPLACE INTO catalogs VALUES(?, ?, ?)")
      .bind(1, library)
      .bind(2, stamp)
      .bind_blob(3, data)
      .run();
}

std::int64_t Store::count_runs(const std::string& task) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached("SELECT count(*) FROM runs WHERE task=? AND ok=1");
  sqlite::ResetOnExit q_done(q);
  q.bind(1, task).step();
  return q.column_int(0);
}

}  // namespace taskfs
