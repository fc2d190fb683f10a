#include "engine/node_key.hpp"

#include <fnmatch.h>

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

}  // namespace

std::optional<NodeKey> node_key(const Plan& plan, const PlanNode& node,
                                const std::vector<const ResultInfo*>& upstream,
                                FileDigests& digests, Reading reading, bool each_source) {
  NodeKey out;
  KeyInputs in;
  in.task = node.task;
  in.params = &node.params;
  bool reads_files = each_source && !node.task->each_glob.empty();
  for (const Value& v : node.params) {
    reads_files =
        reads_files || std::holds_alternative<File>(v) || std::holds_alternative<Files>(v);
  }
  if (reads_files) digests.refresh();
  // .each(tf::glob(...)): the whole's key is made of every file it matches.
  if (const std::string& pattern = node.task->each_glob; each_source && !pattern.empty()) {
    for (auto& path : digests.expand(pattern)) {
      InputLook found = digests.look(path, false, true, reading);
      if (found.kind == InputLook::Kind::Directory) continue;
      if (!usable(found, reading)) return std::nullopt;
      in.files.push_back({path, found.digest.hash});
      out.stamps.push_back(found.digest.stamp);
      out.elements.push_back(
          {glob_element_name(pattern, path), found.digest.hash, path, found.digest.stamp});
    }
  }
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
  in.element = element.name;
  in.upstream = whole.upstream;
  std::size_t glob_files = 0;
  if (node.task->each_upstream) {
    in.upstream.at(0).hash = element.hash;
  } else {
    glob_files = whole.elements.size();
    in.files.push_back({element.path, element.hash});
    out.stamps.push_back(element.stamp);
    out.params.emplace_back(File(element.path));
  }
  in.files.insert(in.files.end(), whole.files.begin() + glob_files, whole.files.end());
  out.stamps.insert(out.stamps.end(), whole.stamps.begin() + glob_files, whole.stamps.end());
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
