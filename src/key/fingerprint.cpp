#include "key/fingerprint.hpp"

#include "key/hash.hpp"
#include "key/source_text.hpp"

namespace taskfs {

std::string task_fingerprint(std::string_view function_text, std::string_view source_fingerprint,
                             std::string_view version) {
  return Hasher()
      .field(normalize_source(function_text))
      .field(source_fingerprint)
      .field(version)
      .finish()
      .hex();
}

}  // namespace taskfs
