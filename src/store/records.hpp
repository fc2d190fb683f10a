// The records of the store as plain values: what a result is, what made it,
// and the run log. Modules that pass results around (exec, engine, fs) need
// these, not the database behind them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "key/hash.hpp"

namespace taskfs {

// Where a result's value and its file view are.
struct ResultInfo {
  Hash128 value_hash;
  std::uint64_t value_size = 0;
  Hash128 view_hash;
  std::uint64_t view_offset = 0;
  std::uint64_t view_size = 0;
  double created = 0;  // when it was stored, seconds since the epoch

  template <class Archive>
  void serialize(Archive& ar) {
    ar(value_hash, value_size, view_hash, view_offset, view_size, created);
  }
};

// One input that made a result: kind is "param", "input" or "file".
struct Provenance {
  std::string kind;
  std::string name;
  std::string value;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(kind, name, value);
  }
};

// One execution of a task, successful or not.
struct RunRecord {
  std::string task;
  std::string variant;
  std::string key;     // hex, as the run log shows it
  double started = 0;  // seconds since the epoch
  double seconds = 0;
  bool ok = false;
  std::string error;
};

// A cached result of a task and what its key was made of.
struct CachedRun {
  Hash128 key;
  ResultInfo result;
  std::vector<Provenance> provenance;
};

// What put_result records besides the bytes.
struct NewResult {
  Hash128 key;
  std::string task;
  std::string variant;
  bool cache = true;  // false for nocache tasks: bytes are kept, no result row
  std::vector<Provenance> provenance;
  double started = 0;
  double seconds = 0;
  // False for a result no run made (an .each collection sealed from its
  // elements' results): no row of `runs`.
  bool record_run = true;
};

// The file view of a result: either the value's own bytes from `suffix_offset`
// on (stored once, no copy), or a text of its own.
struct FileView {
  bool is_value_suffix = false;
  std::uint64_t suffix_offset = 0;
  std::string text;
};

// How often a result was read since it was stored, and when last (SPEC 7).
struct ReadCount {
  std::int64_t count = 0;
  double last = 0;  // seconds since the epoch; 0: never read
};

// What one task's cached results take in the store.
struct TaskUsage {
  std::string task;
  std::int64_t results = 0;
  // The bytes of its results' blobs, each counted once per task (a blob that
  // results of two tasks share counts in both).
  std::uint64_t bytes = 0;
};

// What an eviction (taskfs gc, taskfs rm) did.
struct Eviction {
  std::vector<Hash128> keys;  // the results forgotten
  // The task and canonical variant of each of `keys`, in the same order.
  std::vector<std::pair<std::string, std::string>> task_variants;
  std::uint64_t bytes_before = 0;  // the blobs' bytes before and after
  std::uint64_t bytes_after = 0;
  std::size_t orphan_files = 0;  // blob files no row named (a killed eviction's)
  std::size_t kept_in_use = 0;   // results left because they were read or computed on
};

// One element of a collection being produced (SPEC 6), as the worker hands
// it to the store: its name, its value and its file view.
struct NewElement {
  std::string name;
  std::string value;
  FileView view;
};

// One element of a collection sealed from results already stored (an .each
// task's, SPEC 6): its name and the element's result.
struct SealedElement {
  std::string name;
  ResultInfo result;
};

// A sealed collection of the store: its row and how many elements it has.
struct CollectionInfo {
  std::int64_t id = 0;
  std::uint64_t size = 0;
};

// The bytes of a small element, kept in its row instead of in blobs (SPEC 6):
// its value, and its file view's bytes.
struct InlineElement {
  std::string value;
  std::string view;
};

// One element of a stored collection: its place, its name, and where its
// value and view are (`result.created` is left 0: it is the collection's).
// `result`'s hashes name its bytes either way; they are blobs only when
// `stored_inline` is empty.
struct ElementInfo {
  std::uint64_t index = 0;
  std::string name;
  ResultInfo result;
  std::optional<InlineElement> stored_inline;
};

}  // namespace taskfs
