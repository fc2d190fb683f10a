// Why a result is not cached: what differs between the key it would have now
// and the keys of the same task's cached runs (SPEC section 7). Pure: the
// engine gathers the records, this compares them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.hpp"

namespace taskfs {

// What one key was made of, from the provenance the store keeps per run.
struct KeyMaking {
  std::string code;       // the task's code fingerprint
  std::string code_file;  // the source file that declares the task
  std::vector<std::pair<std::string, std::string>> params;  // name, canonical value
  std::vector<std::pair<std::string, std::string>> files;   // path, content hash
  std::vector<std::pair<std::string, std::string>> inputs;  // upstream task, content hash

  static KeyMaking from(const std::vector<Provenance>& provenance);
  std::vector<Provenance> provenance() const;
};

// One component that differs between a key now and a cached run's key.
struct KeyDifference {
  enum class Kind { Code, Param, File, Input };
  Kind kind;
  std::string name;  // param name, file path, upstream task, or (code) the source file
  std::string now;   // empty: absent now (a file a glob no longer matches)
  std::string then;  // empty: absent then (a new file)
};

// What differs, in a stable order: code, params, files, inputs.
std::vector<KeyDifference> differences(const KeyMaking& now, const KeyMaking& then);

// The index of the candidate whose key differs least from `now` (fewest
// differences; on a tie the later one, runs being oldest first); nullopt when
// there is none.
std::optional<std::size_t> closest(const KeyMaking& now, const std::vector<KeyMaking>& candidates);

// One line for a difference of task `task`, as `taskfs why` prints it:
// "param train.maxiter is 5 (cached run: 10)", "file data/a.txt changed
// (content)", "code of train changed (tasks/train.cpp)". An upstream input
// reads "upstream X changed"; the caller adds why.
std::string describe(const std::string& task, const KeyDifference& difference);

}  // namespace taskfs
