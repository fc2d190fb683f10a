// The cereal binary form of values: how results are stored and passed on.
#pragma once

#include <cereal/archives/binary.hpp>
#include <istream>
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

// The cereal binary form of a value.
template <class T>
std::string serialize(const T& value) {
  std::ostringstream os;
  {
    cereal::BinaryOutputArchive ar(os);
    ar(value);
  }
  return std::move(os).str();
}

}  // namespace taskfs::detail
