#include "engine/node_key.hpp"

#include "key/cache_key.hpp"
#include "spec/value_text.hpp"

namespace taskfs {

NodeKey node_key(const Plan& plan, const PlanNode& node,
                 const std::vector<const ResultInfo*>& upstream, FileDigests& digests) {
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
        if (auto found = digests.digest_unless_directory(path, confined)) {
          in.files.push_back({path, found->hash});
          out.stamps.push_back(found->stamp);
          paths.push_back(std::move(path));
        }
      }
      out.params.emplace_back(Files(files->pattern(), std::move(paths)));
    } else {
      if (const auto* file = std::get_if<File>(&v)) {
        FileDigest found = digests.digest(file->path(), confined);
        in.files.push_back({file->path(), found.hash});
        out.stamps.push_back(found.stamp);
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
