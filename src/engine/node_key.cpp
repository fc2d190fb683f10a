#include "engine/node_key.hpp"

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
                                FileDigests& digests, Reading reading) {
  NodeKey out;
  KeyInputs in;
  in.task = node.task;
  in.params = &node.params;
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
