// Param values as text: parsing a value by its param's type, and the canonical
// spelling of a value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "taskfs/value.hpp"

namespace taskfs::spec {

// Why a value did not parse; empty when it did.
struct ParsedValue {
  Value value;
  std::string error;
};

// Parses `text` (already percent-decoded) as a value of `type`. Integers (Int
// and UInt) must lie within [int_min, int_max]; doubles must be finite.
ParsedValue parse_value(ParamType type, std::string_view text, std::int64_t int_min,
                        std::uint64_t int_max);

// The canonical text of a value (not percent-encoded): `true`/`false`, decimal
// integers, shortest round-trip doubles, strings and paths as they are.
std::string format_value(const Value& value);

// The name of a param type as users read it: bool, int, uint, double, string,
// files, file.
std::string_view type_name(ParamType type);

}  // namespace taskfs::spec
