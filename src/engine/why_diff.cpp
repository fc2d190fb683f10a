#include "engine/why_diff.hpp"

#include <algorithm>
#include <map>

#include "key/file_digest.hpp"

namespace taskfs {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Appends what differs between two named lists (each name once): changed
// values, names only `now` has, names only `then` had.
void compare(KeyDifference::Kind kind, const Pairs& now, const Pairs& then,
             std::vector<KeyDifference>& out) {
  std::map<std::string, std::string> before(then.begin(), then.end());
  for (const auto& [name, value] : now) {
    auto it = before.find(name);
    if (it == before.end()) {
      out.push_back({kind, name, value, ""});
    } else {
      if (it->second != value) out.push_back({kind, name, value, it->second});
      before.erase(it);
    }
  }
  for (const auto& [name, value] : before) out.push_back({kind, name, "", value});
}

}  // namespace

KeyMaking KeyMaking::from(const std::vector<Provenance>& provenance) {
  KeyMaking m;
  for (const auto& p : provenance) {
    if (p.kind == "code") {
      m.code = p.name;
      m.code_file = p.value;
    } else if (p.kind == "param") {
      m.params.emplace_back(p.name, p.value);
    } else if (p.kind == "file") {
      m.files.emplace_back(p.name, p.value);
    } else if (p.kind == "input") {
      m.inputs.emplace_back(p.name, p.value);
    }
  }
  return m;
}

std::vector<Provenance> KeyMaking::provenance() const {
  std::vector<Provenance> out;
  out.push_back({"code", code, code_file});
  for (const auto& [name, value] : params) out.push_back({"param", name, value});
  for (const auto& [name, value] : files) out.push_back({"file", name, value});
  for (const auto& [name, value] : inputs) out.push_back({"input", name, value});
  return out;
}

std::vector<KeyDifference> differences(const KeyMaking& now, const KeyMaking& then) {
  std::vector<KeyDifference> out;
  if (now.code != then.code) {
    out.push_back({KeyDifference::Kind::Code, now.code_file, now.code, then.code});
  }
  compare(KeyDifference::Kind::Param, now.params, then.params, out);
  compare(KeyDifference::Kind::File, now.files, then.files, out);
  compare(KeyDifference::Kind::Input, now.inputs, then.inputs, out);
  return out;
}

std::optional<std::size_t> closest(const KeyMaking& now, const std::vector<KeyMaking>& candidates) {
  std::optional<std::size_t> best;
  std::size_t fewest = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    std::size_t n = differences(now, candidates[i]).size();
    if (!best || n <= fewest) {
      best = i;
      fewest = n;
    }
  }
  return best;
}

std::string describe(const std::string& task, const KeyDifference& d) {
  switch (d.kind) {
    case KeyDifference::Kind::Code:
      return "code of " + task + " changed" + (d.name.empty() ? "" : " (" + d.name + ")");
    case KeyDifference::Kind::Param:
      if (d.then.empty()) return "param " + task + "." + d.name + " is new (" + d.now + ")";
      return "param " + task + "." + d.name + " is " + d.now + " (cached run: " + d.then + ")";
    case KeyDifference::Kind::File:
      if (d.then.empty()) return "file " + d.name + " is new";
      if (d.now.empty()) return "file " + d.name + " is gone";
      // Through the mount, why never reads a file: it can only see that one changed.
      if (d.now == kNotHashedYet.hex())
        return "file " + d.name + " changed (modified since hashed)";
      return "file " + d.name + " changed (content)";
    case KeyDifference::Kind::Input:
      return "upstream " + d.name + " changed";
  }
  return "";
}

}  // namespace taskfs
