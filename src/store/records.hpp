// The records of the store as plain values: what a result is, what made it,
// and the run log. Modules that pass results around (exec, engine, fs) need
// these, not the database behind them.
#pragma once

#include <cstdint>
#include <string>
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
};

// The file view of a result: either the value's own bytes from `suffix_offset`
// on (stored once, no copy), or a text of its own.
struct FileView {
  bool is_value_suffix = false;
  std::uint64_t suffix_offset = 0;
  std::string text;
};

// One element of a collection being produced (SPEC 6), as the worker hands
// it to the store: its name, its value and its file view.
struct NewElement {
  std::string name;
  std::string value;
  FileView view;
};

// A sealed collection of the store: its row and how many elements it has.
struct CollectionInfo {
  std::int64_t id = 0;
  std::uint64_t size = 0;
};

// One element of a stored collection: its place, its name, and where its
// value and view are (`result.created` is left 0: it is the collection's).
struct ElementInfo {
  std::uint64_t index = 0;
  std::string name;
  ResultInfo result;
};

}  // namespace taskfs
