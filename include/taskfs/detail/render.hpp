// Rendering a task's result as the bytes of its file (SPEC section 2, "File content"):
// strings and byte vectors raw, numbers and bools as text and a newline,
// sequences of scalars one element a line, everything else JSON.
// A type renders itself by an ADL-found `void taskfs_render(std::ostream&, const T&)`.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cereal/archives/json.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/tuple.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>
#include <charconv>
#include <concepts>
#include <ostream>
#include <ranges>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "taskfs/detail/task_def.hpp"

namespace taskfs::detail {

// A type with an ADL-found taskfs_render(std::ostream&, const T&).
template <class T>
concept SelfRendering = requires(std::ostream& os, const T& v) {
  taskfs_render(os, v);
};

// Numbers and bools: rendered as text and a newline.
template <class T>
concept Scalar = std::is_arithmetic_v<T>;

// Byte vectors: rendered raw, like strings.
template <class T>
concept ByteVector = std::same_as<T, std::vector<unsigned char>> ||
    std::same_as<T, std::vector<char>> || std::same_as<T, std::vector<signed char>>;

// What a sequence renders one element a line for.
template <class T>
concept ScalarOrString = Scalar<T> || std::same_as<T, std::string>;

// Ranges other than strings, byte vectors and maps (maps render as JSON).
template <class T>
concept Sequence =
    std::ranges::range<T> && !std::same_as<T, std::string> && !ByteVector<T> && !requires {
  typename T::mapped_type;
};

// A sequence rendered one element a line.
template <class T>
concept ScalarSequence = Sequence<T> && ScalarOrString<std::ranges::range_value_t<T>>;

// Appends the text of a number or bool (shortest round-trip form for doubles).
template <Scalar T>
void render_scalar(std::string& out, T v) {
  if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, char>) {
    out += v;
  } else {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  }
}

// Compact one-line JSON of any cereal-serializable value (cereal wraps the value
// in {"value0": ...}; the wrapper is taken off).
inline std::string to_json_line(const std::string& cereal_json) {
  rapidjson::Document doc;
  doc.Parse(cereal_json.c_str());
  if (doc.HasParseError() || !doc.IsObject() || doc.MemberCount() != 1) return cereal_json;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.MemberBegin()->value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Compact one-line JSON of a value, through cereal's JSON archive.
template <class T>
std::string json_of(const T& v) {
  std::ostringstream os;
  {
    cereal::JSONOutputArchive ar(os, cereal::JSONOutputArchive::Options::NoIndent());
    ar(v);
  }
  return to_json_line(os.str());
}

// Offset of the payload in a cereal binary string or byte vector (its size prefix).
inline constexpr std::size_t kBinarySizePrefix = sizeof(std::uint64_t);

// The file view of a result, by the rules at the top of this file.
template <class T>
RenderedView render_value(const T& v) {
  RenderedView view;
  if constexpr (SelfRendering<T>) {
    std::ostringstream os;
    taskfs_render(os, v);
    view.text = os.str();
  } else if constexpr (std::is_same_v<T, std::string> || ByteVector<T>) {
    view.is_value_suffix = true;
    view.suffix_offset = kBinarySizePrefix;
  } else if constexpr (Scalar<T>) {
    render_scalar(view.text, v);
    view.text += '\n';
  } else if constexpr (ScalarSequence<T>) {
    for (const auto& element : v) {
      if constexpr (std::is_same_v<std::ranges::range_value_t<T>, std::string>) {
        view.text += element;
      } else {
        render_scalar(view.text, element);
      }
      view.text += '\n';
    }
  } else if constexpr (Sequence<T>) {
    for (const auto& element : v) {
      view.text += json_of(element);
      view.text += '\n';
    }
  } else {
    view.text = json_of(v);
    view.text += '\n';
  }
  return view;
}

}  // namespace taskfs::detail
