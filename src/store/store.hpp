// The store (SPEC section 4): a directory holding an SQLite database in WAL mode
// and, for large results, content-addressed blob files. Results are addressed
// by cache key; their bytes by content hash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "key/file_digest.hpp"
#include "key/hash.hpp"
#include "store/blob_reader.hpp"
#include "store/blob_writer.hpp"
#include "store/records.hpp"
#include "sys/store_dir.hpp"

namespace taskfs {

namespace sqlite {
class Database;
}  // namespace sqlite

// A stored result whose bytes are not what the store recorded: its blob's row
// or file is missing, or the file has another size (deleted or truncated
// behind the store's back). Such a result is forgotten and computed again.
class DamagedBlob : public std::runtime_error {
 public:
  DamagedBlob(const Hash128& hash, const std::string& what)
      : std::runtime_error(what), hash_(hash) {}
  const Hash128& hash() const { return hash_; }

 private:
  Hash128 hash_;
};

// What `taskfs fsck` found: how many blobs (and small elements, in their
// rows) it read, the damaged ones (each
// with what is wrong), which it forgot, and the temporary files it removed.
struct StoreCheck {
  std::size_t checked = 0;
  std::vector<std::pair<Hash128, std::string>> damaged;
  std::size_t stale_temp_files = 0;
};

// The digest of a collection's elements, in order: each element's name and
// value hash. Every way of sealing a collection makes it with this, so equal
// elements give an equal collection, however they were stored.
class CollectionDigest {
 public:
  void add(std::string_view name, const Hash128& value_hash) {
    hasher_.field(name).bytes(value_hash.bytes());
  }
  Hash128 finish() const { return hasher_.finish(); }

 private:
  Hasher hasher_;
};

// A result whose value is written, ready for Store::put_results.
struct ResultToStore {
  NewResult result;
  BlobWriter* value;  // from Store::value_writer(view)
  FileView view;
};

class Store {
 public:
  // The schema version this build reads and writes.
  static constexpr int kSchemaVersion = 6;

  // Opens the store in `dir`, creating it (0700, files 0600) if it does not
  // exist. Throws StoreError, touching nothing, when `dir` is not a taskfs
  // store, has an unknown schema version, or is not safe (see StoreDir).
  explicit Store(std::filesystem::path dir);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& dir() const { return dir_.path(); }
  // The store's directory, held open: what is kept beside the database
  // (task logs) is opened relative to it.
  int dir_fd() const { return dir_.fd(); }

  std::optional<ResultInfo> find_result(const Hash128& key);
  // find_result for many keys in one read transaction (one round of locks).
  std::vector<std::optional<ResultInfo>> find_results(const std::vector<Hash128>& keys);
  // A writer for the value of a result whose file view will be `view`: the
  // task's result is serialized into it, then it is handed to put_result.
  // Destroyed without that, it leaves nothing behind.
  std::unique_ptr<BlobWriter> value_writer(const FileView& view);
  // Stores a value written into `value` (from value_writer(view)) and its
  // view, then (for cached results) the result row, provenance and run
  // record, in one transaction: a process killed at any point leaves either
  // the whole result or none, and never a partial blob under its hash.
  ResultInfo put_result(const NewResult& result, BlobWriter& value, const FileView& view);
  // put_result for several results (a worker's batch of runs) under one
  // blobs lock, in one transaction: all are stored, or none. Their
  // ResultInfos, in order.
  std::vector<ResultInfo> put_results(const std::vector<ResultToStore>& results);
  // put_result for a value already in memory.
  ResultInfo put_result(const NewResult& result, std::string_view value, const FileView& view);
  void record_run(const RunRecord& run);

  // Streams the bytes of one blob into `sink`, in order; false when they did
  // not all arrive intact (the sink's bytes are then discarded).
  using BlobFetch = std::function<bool(const Hash128& hash, std::uint64_t size,
                                       const std::function<void(std::string_view)>& sink)>;
  // Records a result computed elsewhere (the team cache) as put_result would,
  // without a run. Blobs the store lacks are streamed in through `fetch`,
  // outside any lock or transaction. False, recording nothing, when a blob
  // did not arrive intact.
  bool import_result(const Hash128& key, const std::string& task, const std::string& variant,
                     const ResultInfo& info, const BlobFetch& fetch);

  // A blob's bytes, whole (for feeding a value to a task). Throws DamagedBlob.
  std::string read_blob(const Hash128& hash);
  // A range of a blob, read lazily. Throws DamagedBlob when its row or file is
  // missing or its file has the wrong size.
  BlobReader open_blob(const Hash128& hash, std::uint64_t offset, std::uint64_t size);

  // Reads every blob, and every small element kept in its row, and checks it
  // against its content hash (store_check.cpp); the damaged ones are
  // forgotten (forget_blob; an element's collection) as they are found.
  StoreCheck check_blobs();
  // Forgets a damaged blob: every result whose value or view it holds, or
  // whose collection holds it as an element's (the next read computes them
  // again; the collections' rows go too), its row and its file. Returns the keys of
  // the results forgotten.
  std::vector<Hash128> forget_blob(const Hash128& hash);
  // Removes the temporary files in tmp/ whose writer is gone (a process
  // killed while storing a result); returns how many. Files of live
  // processes are left alone: they may be storing a result right now.
  std::size_t remove_stale_temp_files();
  // The directory of the per-key locks (see KeyLock).
  int locks_fd() const { return locks_.get(); }

  // Canonical variants of a task that have cached results.
  std::vector<std::string> variants(const std::string& task);
  // The latest runs, newest first.
  std::vector<RunRecord> recent_runs(int limit);
  // Every cached result of `task`, oldest first, with its provenance.
  std::vector<CachedRun> cached_runs(const std::string& task);
  // The latest successful run that stored `key`, when one is recorded.
  std::optional<RunRecord> run_of(const Hash128& key);
  // The input-file digests of earlier processes, so files are not re-read.
  std::vector<FileDigest> load_file_digests();
  void save_file_digests(const std::vector<FileDigest>& digests);

  // The catalog last read from a library, if the library's stamp still matches:
  // a process that finds it need not load the library to know its tasks.
  std::optional<std::string> find_catalog(const std::string& library, const std::string& stamp);
  void save_catalog(const std::string& library, const std::string& stamp, std::string_view data);

  // How many times a task ran successfully (tests count executions with it).
  std::int64_t count_runs(const std::string& task);

  // --- what the store holds, how it is read (store_usage.cpp)
  // The bytes of every stored blob: what store_max_size bounds.
  std::uint64_t stored_bytes();
  // Bytes and results by task, largest first (a collection's elements count
  // for the task whose result holds it); the blobs no result names (the
  // outputs of nocache tasks, say) under the task name "".
  std::vector<TaskUsage> usage_by_task();
  // Adds counted reads to results that are still stored, in one transaction.
  void add_reads(const std::vector<std::pair<Hash128, ReadCount>>& reads);
  // How often the result `key` was read since it was stored, and when last.
  ReadCount reads_of(const Hash128& key);

  // --- keeping it in bounds (store_eviction.cpp)
  // Evicts results, least recently read first (never read: by when they were
  // stored), until the blobs take at most `max_bytes`. Blobs no result names
  // go first. Results with a blob in `in_use` stay (a collection's result
  // also for an element's blob). A collection goes, elements and all, with
  // the last result that holds it; one still being built stays. Rows go in one
  // transaction, then the files; files a killed eviction left behind are
  // removed at the end of the next one.
  Eviction evict_to(std::uint64_t max_bytes, const std::unordered_set<Hash128>& in_use);
  // Forgets the results `keys` (taskfs rm), with the blobs no other result
  // names and that are not in `in_use`. Keys not stored are ignored.
  Eviction forget(const std::vector<Hash128>& keys, const std::unordered_set<Hash128>& in_use);

  // --- collections (SPEC 6; store/collections.cpp). A collection is built
  // under its row id, invisible, and sealed under its value's hash.
  // Starts a collection; its id.
  std::int64_t begin_collection();
  // Stores elements `first`, `first + 1`, ... of a collection being built, in
  // one transaction; their value hashes, in order. Throws on a name given twice.
  std::vector<Hash128> append_elements(std::int64_t collection, std::uint64_t first,
                                       const std::vector<NewElement>& elements);
  // Seals a collection of `size` elements whose CollectionDigest is
  // `digest`, and stores its manifest as the value of `result` (as
  // put_result does): equal elements give an equal value hash.
  ResultInfo finish_collection(const NewResult& result, std::int64_t collection, std::uint64_t size,
                               const Hash128& digest);
  // Seals a collection of `elements`, results already stored (an .each
  // task's elements, store/collection_sealing.cpp), as the value of `result`:
  // the collection's rows name the elements' blobs, no bytes are copied.
  ResultInfo seal_elements(const NewResult& result, const std::vector<SealedElement>& elements);
  // Forgets a collection being built, with its elements.
  void discard_collection(std::int64_t collection);
  // The sealed collection whose manifest is the blob `value_hash`; nullopt for
  // any other value.
  std::optional<CollectionInfo> find_collection(const Hash128& value_hash);
  std::optional<ElementInfo> find_element(const CollectionInfo& collection, std::string_view name);
  // Up to `limit` elements from index `from` on, in index order.
  std::vector<ElementInfo> elements(const CollectionInfo& collection, std::uint64_t from,
                                    std::size_t limit);

 private:
  class EvictionModel;
  // Deletes the rows of the evicted results and doomed blobs in one
  // transaction, then the blob files, then files no row names.
  // REQUIRES: mutex_ and the blobs lock held.
  void finish_eviction(const EvictionModel& model, Eviction& eviction);
  // Removes the files below blobs/ that are not in `kept`; how many.
  // REQUIRES: the blobs lock held exclusively.
  std::size_t remove_orphan_files(const std::unordered_set<std::string>& kept);
  void check_or_create_schema(bool fresh);
  // REQUIRES: mutex_ held.
  std::optional<ResultInfo> find_result_locked(const Hash128& key);
  std::string schema_version();
  // A value written into `value` (from value_writer) and its view's own
  // blob, both written (large ones to tmp/), ready to be put in place and
  // recorded.
  struct StagedValue {
    BlobWriter* value;                 // the caller's
    std::unique_ptr<BlobWriter> text;  // the view's text; none when it is a suffix of the value
    ResultInfo info;                   // created left 0
  };
  // Finishes `value` and writes its view's text (outside any lock).
  StagedValue stage_value(BlobWriter& value, const FileView& view);
  // Puts the staged blob files in place (see kBlobsLock), before the
  // transaction: the database's write lock is never held across a large
  // fdatasync. REQUIRES: the blobs lock held until their rows are committed.
  void place_value(StagedValue& staged);
  // Adds the blob rows of a placed value and view. REQUIRES: a write transaction.
  void record_value(const StagedValue& staged);
  // Adds a stored result's rows: result and provenance (when cached), run.
  // REQUIRES: a write transaction.
  void record_result(const NewResult& result, const ResultInfo& info);
  // REQUIRES: mutex_ held, a write transaction.
  void discard_collection_locked(std::int64_t collection);
  // Forgets a sealed collection whose element is damaged: the results
  // holding it (returned) and its rows. REQUIRES: mutex_ held, a write transaction.
  std::vector<Hash128> forget_collection_locked(std::int64_t collection);
  // Deletes a result's row and provenance. REQUIRES: mutex_ held, a write transaction.
  void forget_result_rows_locked(const Hash128& key);
  // check_blobs for small elements: their bytes (in their rows) against the
  // hashes the rows record; a damaged one's collection is forgotten.
  void check_inline_elements(StoreCheck& check);
  // Adds a staged blob's row (inline bytes when small, else the head).
  // REQUIRES: a write transaction.
  void record_blob(const StagedBlob& blob);
  // A blob's row: `bytes` are the whole blob, or (in_file) its head.
  // REQUIRES: a write transaction.
  void insert_blob_row(const Hash128& hash, std::uint64_t size, bool in_file,
                       std::string_view bytes);
  // REQUIRES: a write transaction.
  void insert_result_row(const std::string& key, const std::string& task,
                         const std::string& variant, const ResultInfo& info);
  bool has_blob(const Hash128& hash);
  // A blob streamed in by import_result: its bytes (its head when large).
  struct ImportedBlob {
    Hash128 hash;
    std::uint64_t size = 0;
    std::string bytes;
  };
  // Streams one blob in through `fetch`, a large one's file put in place.
  // False when it did not arrive intact.
  bool stream_in(const BlobFetch& fetch, ImportedBlob& blob, std::size_t head_size);
  // The blob file's name below blobs/: "ab/abcd...".
  static std::string blob_name(const Hash128& hash);

  StoreDir dir_;
  Fd blobs_;
  Fd tmp_;
  Fd locks_;
  std::mutex mutex_;
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace taskfs
