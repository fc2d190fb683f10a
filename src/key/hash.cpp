#include "key/hash.hpp"

#include <charconv>
#include <cstdio>
#include <new>
#include <stdexcept>

namespace taskfs {

std::string Hash128::hex() const {
  // By hand: snprintf showed in the profile of a no-op `taskfs run`.
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[static_cast<std::size_t>(15 - i)] = kDigits[(high >> (4 * i)) & 0xf];
    out[static_cast<std::size_t>(31 - i)] = kDigits[(low >> (4 * i)) & 0xf];
  }
  return out;
}

Hash128 Hash128::from_hex(std::string_view hex) {
  if (hex.size() != 32) throw std::invalid_argument("not a 128-bit hash: " + std::string(hex));
  auto half = [&](std::size_t at) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(hex.data() + at, hex.data() + at + 16, v, 16);
    if (ec != std::errc{} || end != hex.data() + at + 16) {
      throw std::invalid_argument("not a 128-bit hash: " + std::string(hex));
    }
    return v;
  };
  return {half(0), half(16)};
}

Hash128 hash_bytes(std::string_view bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.high64, h.low64};
}

Hasher::Hasher() : state_(XXH3_createState()) {
  if (state_ == nullptr) throw std::bad_alloc();
  XXH3_128bits_reset(state_);
}

Hasher::~Hasher() { XXH3_freeState(state_); }

Hasher& Hasher::bytes(std::string_view data) {
  XXH3_128bits_update(state_, data.data(), data.size());
  return *this;
}

Hasher& Hasher::field(std::string_view data) {
  std::uint64_t n = data.size();
  XXH3_128bits_update(state_, &n, sizeof n);
  return bytes(data);
}

Hash128 Hasher::finish() const {
  XXH128_hash_t h = XXH3_128bits_digest(state_);
  return {h.high64, h.low64};
}

}  // namespace taskfs
