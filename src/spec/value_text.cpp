#include "spec/value_text.hpp"

#include <charconv>
#include <cmath>
#include <type_traits>
#include <utility>

namespace taskfs::spec {
namespace {

ParsedValue error(std::string message) { return {Value{}, std::move(message)}; }

ParsedValue parse_bool(std::string_view text) {
  if (text == "true" || text == "1") return {Value{true}, {}};
  if (text == "false" || text == "0") return {Value{false}, {}};
  return error("expected true or false, got '" + std::string(text) + "'");
}

// An integer of type T (int64 or uint64) within [lo, hi].
template <class T>
ParsedValue parse_integer(std::string_view text, std::int64_t lo, std::uint64_t hi) {
  std::string_view digits = text;
  // from_chars takes no '-' for an unsigned type: "-5" is out of its range,
  // not malformed, and "-0" is 0 as it is for a signed one.
  bool negative = std::is_unsigned_v<T> && !digits.empty() && digits[0] == '-';
  if (negative) digits.remove_prefix(1);
  T v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec == std::errc::invalid_argument || end != digits.data() + digits.size()) {
    return error("expected an integer, got '" + std::string(text) + "'");
  }
  // cmp_less and cmp_greater compare signed and unsigned values by value.
  if (ec == std::errc::result_out_of_range || (negative && v != 0) || std::cmp_less(v, lo) ||
      std::cmp_greater(v, hi)) {
    return error("integer " + std::string(text) + " is out of range [" + std::to_string(lo) + ", " +
                 std::to_string(hi) + "]");
  }
  return {Value{v}, {}};
}

ParsedValue parse_double(std::string_view text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v)) {
    return error("expected a finite number, got '" + std::string(text) + "'");
  }
  return {Value{v == 0 ? 0.0 : v}, {}};  // -0 and 0 are one value
}

}  // namespace

ParsedValue parse_value(ParamType type, std::string_view text, std::int64_t int_min,
                        std::uint64_t int_max) {
  switch (type) {
    case ParamType::Bool:
      return parse_bool(text);
    case ParamType::Int:
      return parse_integer<std::int64_t>(text, int_min, int_max);
    case ParamType::UInt:
      return parse_integer<std::uint64_t>(text, int_min, int_max);
    case ParamType::Double:
      return parse_double(text);
    case ParamType::String:
      return {Value{std::string(text)}, {}};
    case ParamType::Files:
      if (text.empty()) return error("expected a glob pattern, got an empty value");
      return {Value{Files(std::string(text))}, {}};
    case ParamType::File:
      if (text.empty()) return error("expected a file path, got an empty value");
      return {Value{File(std::string(text))}, {}};
  }
  return error("unknown param type");
}

std::string format_value(const Value& value) {
  switch (type_of(value)) {
    case ParamType::Bool:
      return std::get<bool>(value) ? "true" : "false";
    case ParamType::Int:
      return std::to_string(std::get<std::int64_t>(value));
    case ParamType::UInt:
      return std::to_string(std::get<std::uint64_t>(value));
    case ParamType::Double: {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::get<double>(value));
      return std::string(buf, end);
    }
    case ParamType::String:
      return std::get<std::string>(value);
    case ParamType::Files:
      return std::get<Files>(value).pattern();
    case ParamType::File:
      return std::get<File>(value).path();
  }
  return {};
}

std::string_view type_name(ParamType type) {
  static constexpr std::string_view kNames[] = {"bool",  "int",  "double", "string",
                                                "files", "file", "uint"};
  return kNames[static_cast<int>(type)];
}

}  // namespace taskfs::spec
