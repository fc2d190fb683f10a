// 128-bit XXH3 hashing: content hashes of results and files, and cache keys.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace taskfs {

// A 128-bit hash, shown as 32 lowercase hex digits.
struct Hash128 {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  std::string hex() const;
  // The 16 bytes themselves (host byte order), for hashing into another hash.
  std::string_view bytes() const { return {reinterpret_cast<const char*>(this), sizeof(Hash128)}; }
  // Parses 32 hex digits; throws std::invalid_argument otherwise.
  static Hash128 from_hex(std::string_view hex);
  bool operator==(const Hash128&) const = default;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(high, low);
  }
};

// The XXH3-128 of some bytes.
Hash128 hash_bytes(std::string_view bytes);

// Streaming XXH3-128. Fields are length-prefixed so that ("ab","c") and
// ("a","bc") hash differently.
class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  // Adds raw bytes.
  Hasher& bytes(std::string_view data);
  // Adds one length-prefixed field.
  Hasher& field(std::string_view data);
  Hash128 finish() const;

 private:
  XXH3_state_t* state_;
};

}  // namespace taskfs

// Hashes are already uniformly distributed: any 64 bits of one make a good key.
template <>
struct std::hash<taskfs::Hash128> {
  std::size_t operator()(const taskfs::Hash128& h) const noexcept { return h.low; }
};
