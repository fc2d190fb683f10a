// The cereal binary form of values: how results are stored and passed on.
#pragma once

#include <cereal/archives/binary.hpp>
#include <istream>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <utility>

namespace taskfs::detail {

// A read-only streambuf over bytes the caller keeps alive.
class MemoryBuf : public std::streambuf {
 public:
  explicit MemoryBuf(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());
    setg(p, p, p + bytes.size());
  }
};

// A value from its cereal binary form.
template <class T>
T deserialize(std::string_view bytes) {
  MemoryBuf buf(bytes);
  std::istream is(&buf);
  T value{};
  cereal::BinaryInputArchive ar(is);
  ar(value);
  return value;
}

// Writes the cereal binary form of a value into `out`, as it is made (a
// task's result, straight into the store).
template <class T>
void serialize_into(std::streambuf& out, const T& value) {
  std::ostream os(&out);
  cereal::BinaryOutputArchive ar(os);
  ar(value);
}

// The cereal binary form of a value, in memory (a collection's element).
template <class T>
std::string serialize(const T& value) {
  std::stringbuf buf;
  serialize_into(buf, value);
  return std::move(buf).str();
}

}  // namespace taskfs::detail
