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
    const std::string& name = node.task->params[i].name;
    std::vector<std::string> paths;
    if (const auto* files = std::get_if<Files>(&v)) {
      paths = digests.expand(files->pattern());
      out.params.emplace_back(Files(files->pattern(), paths));
    } else {
      if (const auto* file = std::get_if<File>(&v)) paths.push_back(file->path());
      out.params.push_back(v);
    }
    out.provenance.push_back({"param", name, spec::format_value(v)});
    for (const auto& path : paths) {
      Hash128 h = digests.digest(path);
      in.files.push_back({path, h});
      out.provenance.push_back({"file", path, h.hex()});
    }
  }
  for (std::size_t i = 0; i < node.inputs.size(); ++i) {
    const std::string& name = plan.nodes[node.inputs[i]].task->name;
    in.upstream.push_back({name, upstream[i]->value_hash});
    out.upstream.push_back(upstream[i]->value_hash.hex());
    out.provenance.push_back({"input", name, upstream[i]->value_hash.hex()});
  }
  out.key = cache_key(in);
  return out;
}

}  // namespace taskfs
