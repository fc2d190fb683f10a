// Percent coding of param values inside a path (SPEC section 2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace taskfs::spec {

// Encodes `/ , : = %`, space, and bytes outside printable ASCII as %XX.
std::string percent_encode(std::string_view raw);

// Decodes %XX escapes; nullopt when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view encoded);

}  // namespace taskfs::spec
