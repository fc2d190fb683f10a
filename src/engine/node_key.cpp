#include "engine/node_key.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#include "key/cache_key.hpp"
#include "spec/value_text.hpp"

namespace taskfs {
namespace {

// False when a file not hashed yet ends the key; with Reading::Marked it
// enters as kNotHashedYet instead.
bool usable(InputLook& found, Reading reading) {
  if (found.kind != InputLook::Kind::NotHashedYet) return true;
  if (reading != Reading::Marked) return false;
  found.digest.hash = kNotHashedYet;
  return true;
}

// The content hash a listed file that does not exist enters the whole's key
// with (an element that cannot run, never stored).
constexpr Hash128 kNoSuchFile{0, ~0ULL};

// Adds a glob's files to the whole's key, each an element. False when a file
// not hashed yet ends the key.
bool add_glob(const std::string& pattern, FileDigests& digests, Reading reading, KeyInputs& in,
              NodeKey& out) {
  for (auto& path : digests.expand(pattern)) {
    InputLook found = digests.look(path, false, true, reading);
    if (found.kind == InputLook::Kind::Directory) continue;
    if (!usable(found, reading)) return false;
    in.files.push_back({path, found.digest.hash});
    out.stamps.push_back(found.digest.stamp);
    out.elements.push_back(
        {glob_element_name(pattern, path), found.digest.hash, path, found.digest.stamp});
  }
  return true;
}

// Adds a file list's list file (when it has one) and its files to the
// whole's key, each file an element named by its path. False when a file not
// read yet ends the key.
bool add_listed(const FileList& list, FileDigests& digests, Reading reading, KeyInputs& in,
                NodeKey& out) {
  const std::vector<std::string>* paths = &list.paths();
  std::optional<ListedFiles> listed;
  if (const auto& list_file = list.list_file()) {
    listed = digests.read_list(*list_file, reading);
    if (!listed) {
      if (reading != Reading::Marked) return false;
      in.files.push_back({*list_file, kNotHashedYet});  // its files are not known then
      out.stamps.emplace_back();
      return true;
    }
    in.files.push_back({*list_file, listed->digest.hash});
    out.stamps.push_back(listed->digest.stamp);
    paths = &listed->paths;
  }
  std::unordered_set<std::string_view> seen;
  for (const auto& path : *paths) {
    if (!seen.insert(path).second) {
      throw std::runtime_error("its file list " +
                               (list.list_file() ? "'" + *list.list_file() + "' " : "") +
                               "names '" + path + "' twice");
    }
    InputLook found = digests.look_listed(path, reading);
    if (found.kind == InputLook::Kind::Missing) {
      in.files.push_back({path, kNoSuchFile});
      out.stamps.emplace_back();
      out.elements.push_back({path, kNoSuchFile, path, {}, false, true});
      continue;
    }
    if (!usable(found, reading)) return false;
    in.files.push_back({path, found.digest.hash});
    out.stamps.push_back(found.digest.stamp);
    out.elements.push_back({path, found.digest.hash, path, found.digest.stamp});
  }
  return true;
}

}  // namespace

bool keyed_with_files(const PlanNode& node) {
  if (node.task->each_files()) return true;
  for (const Value& v : node.params) {
    if (std::holds_alternative<File>(v) || std::holds_alternative<Files>(v)) return true;
  }
  return false;
}

std::optional<NodeKey> node_key(const Plan& plan, const PlanNode& node,
                                const std::vector<const ResultInfo*>& upstream,
                                FileDigests& digests, Reading reading, bool each_source) {
  NodeKey out;
  KeyInputs in;
  in.task = node.task;
  in.params = &node.params;
  if (keyed_with_files(node)) digests.refresh();
  // .each over files: the whole's key is made of every file of its source.
  if (const std::string& pattern = node.task->each_glob; each_source && !pattern.empty()) {
    if (!add_glob(pattern, digests, reading, in, out)) return std::nullopt;
  } else if (const auto& list = node.task->each_list; each_source && list) {
    if (!add_listed(*list, digests, reading, in, out)) return std::nullopt;
  }
  out.source_files = in.files.size();
  for (std::size_t i = 0; i < node.params.size(); ++i) {
    const Value& v = node.params[i];
    bool confined = node.from_path(i);
    if (const auto* files = std::get_if<Files>(&v)) {
      std::vector<std::string> paths;
      for (auto& path : digests.expand(files->pattern())) {
        InputLook found = digests.look(path, confined, true, reading);
        if (found.kind == InputLook::Kind::Directory) continue;
        if (!usable(found, reading)) return std::nullopt;
        in.files.push_back({path, found.digest.hash});
        out.stamps.push_back(found.digest.stamp);
        paths.push_back(std::move(path));
      }
      out.params.emplace_back(Files(files->pattern(), std::move(paths)));
    } else {
      if (const auto* file = std::get_if<File>(&v)) {
        InputLook found = digests.look(file->path(), confined, false, reading);
        if (!usable(found, reading)) return std::nullopt;
        in.files.push_back({file->path(), found.digest.hash});
        out.stamps.push_back(found.digest.stamp);
      }
      out.params.push_back(v);
    }
  }
  for (std::size_t i = 0; i < node.inputs.size(); ++i) {
    in.upstream.push_back({plan.nodes[node.inputs[i]].task->name, upstream[i]->value_hash});
  }
  out.key = cache_key(in);
  out.files = std::move(in.files);
  out.upstream = std::move(in.upstream);
  return out;
}

NodeKey element_key(const PlanNode& node, const NodeKey& whole, const EachElement& element) {
  NodeKey out;
  KeyInputs in;
  in.task = node.task;
  in.params = &node.params;
  in.upstream = whole.upstream;
  if (node.task->each_upstream) {
    in.element = "";  // the function sees the element's value only, not its name
    in.upstream.at(0).hash = element.hash;
  } else {
    in.element = element.name;
    in.files.push_back({element.path, element.hash});
    out.stamps.push_back(element.stamp);
    out.params.emplace_back(File(element.path));
  }
  auto source = static_cast<std::ptrdiff_t>(whole.source_files);
  in.files.insert(in.files.end(), whole.files.begin() + source, whole.files.end());
  out.stamps.insert(out.stamps.end(), whole.stamps.begin() + source, whole.stamps.end());
  out.params.insert(out.params.end(), whole.params.begin(), whole.params.end());
  out.key = cache_key(in);
  out.files = std::move(in.files);
  out.upstream = std::move(in.upstream);
  return out;
}

namespace {

// The length of a glob pattern's fixed directory ("photos/" of "photos/*.jpg").
std::size_t fixed_directory(const std::string& pattern) {
  std::size_t wildcard = pattern.find_first_of("*?[");
  std::size_t slash = pattern.rfind('/', wildcard);
  return slash == std::string::npos ? 0 : slash + 1;
}

}  // namespace

std::string glob_element_name(const std::string& pattern, const std::string& path) {
  std::size_t fixed = fixed_directory(pattern);
  if (path.compare(0, fixed, pattern, 0, fixed) != 0) return path;
  return path.substr(fixed);
}

std::optional<std::string> glob_element_path(const std::string& pattern, const std::string& name) {
  std::string path = pattern.substr(0, fixed_directory(pattern)) + name;
  // As glob(3) matches: a wildcard never matches a '/' or a leading '.'.
  if (::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME | FNM_PERIOD) != 0) {
    return std::nullopt;
  }
  return path;
}

std::optional<std::string> listed_element_path(const FileList& list, const std::string& name,
                                               FileDigests& digests, Reading reading) {
  std::optional<ListedFiles> listed;
  if (const auto& list_file = list.list_file()) {
    listed = digests.read_list(*list_file, reading);
    if (!listed) return std::nullopt;
  }
  const std::vector<std::string>& paths = listed ? listed->paths : list.paths();
  if (std::find(paths.begin(), paths.end(), name) == paths.end()) return std::nullopt;
  return name;
}

void admit_path_inputs(const Plan& plan, FileDigests& digests) {
  for (const PlanNode& node : plan.nodes) {
    for (std::size_t i = 0; i < node.params.size(); ++i) {
      if (!node.from_path(i)) continue;
      if (const auto* files = std::get_if<Files>(&node.params[i])) {
        digests.admit_pattern(files->pattern());
        for (const auto& path : digests.expand(files->pattern())) digests.admit(path, true);
      } else if (const auto* file = std::get_if<File>(&node.params[i])) {
        digests.admit(file->path(), false);
      }
    }
  }
}

bool stands_in(const NodeKey& key) {
  for (const auto& file : key.files) {
    if (file.hash == kNotHashedYet) return true;
  }
  return false;
}

KeyMaking making_of(const PlanNode& node, const NodeKey& key) {
  KeyMaking m;
  m.code = node.task->fingerprint;
  m.code_file = node.task->source_file;
  for (std::size_t i = 0; i < node.params.size(); ++i) {
    m.params.emplace_back(node.task->params[i].name, spec::format_value(node.params[i]));
  }
  for (const auto& f : key.files) m.files.emplace_back(f.name, f.hash.hex());
  for (const auto& u : key.upstream) m.inputs.emplace_back(u.name, u.hash.hex());
  return m;
}

std::vector<Provenance> provenance_of(const PlanNode& node, const NodeKey& key) {
  return making_of(node, key).provenance();
}

}  // namespace taskfs
