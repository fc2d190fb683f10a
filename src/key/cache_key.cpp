#include "key/cache_key.hpp"

#include "spec/value_text.hpp"

namespace taskfs {

Hash128 cache_key(const KeyInputs& in) {
  Hasher h;
  h.field("taskfs-key-2").field(in.task->name).field(in.task->fingerprint);
  for (std::size_t i = 0; i < in.params->size(); ++i) {
    const Value& v = (*in.params)[i];
    char type = static_cast<char>(type_of(v));
    h.field(in.task->params[i].name).field(std::string_view(&type, 1));
    // Files params enter through their contents below, not their pattern alone.
    h.field(spec::format_value(v));
  }
  for (const auto& u : in.upstream) h.field(u.name).field(u.hash.bytes());
  for (const auto& f : in.files) h.field(f.name).field(f.hash.bytes());
  if (in.element) h.field("element").field(*in.element);
  return h.finish();
}

}  // namespace taskfs
