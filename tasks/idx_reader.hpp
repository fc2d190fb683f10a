// Reads IDX files, the container format of (Fashion-)MNIST, gzip-compressed or
// plain: a magic number (0, 0, element type, number of dimensions), each
// dimension as a big-endian uint32, then the elements.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace fmnist {

// An array of unsigned bytes with its dimensions; dims[0] counts the items.
struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> data;

  // The number of elements in one item (e.g. rows * cols for images).
  std::size_t item_size() const {
    std::size_t n = 1;
    for (std::size_t i = 1; i < dims.size(); ++i) n *= dims[i];
    return n;
  }
};

namespace detail {

using GzFile = std::unique_ptr<gzFile_s, decltype(&gzclose)>;

inline void read_exactly(gzFile file, void* out, std::size_t size, const std::string& path) {
  auto* at = static_cast<char*>(out);
  while (size > 0) {
    // gzread takes an unsigned int; read large spans in chunks.
    unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(size, 1u << 30));
    int n = gzread(file, at, chunk);
    if (n <= 0) throw std::runtime_error(path + ": truncated IDX file");
    at += n;
    size -= static_cast<std::size_t>(n);
  }
}

inline std::uint32_t read_big_endian_u32(gzFile file, const std::string& path) {
  unsigned char b[4];
  read_exactly(file, b, sizeof b, path);
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

}  // namespace detail

// Reads the first `max_items` items (all when max_items is 0) of an IDX file
// of unsigned bytes. Stops decompressing there, so small subsets load fast.
inline IdxArray read_idx_ubyte(const std::string& path, std::size_t max_items) {
  detail::GzFile file(gzopen(path.c_str(), "rb"), &gzclose);
  if (!file) throw std::runtime_error(path + ": cannot open");
  std::uint32_t magic = detail::read_big_endian_u32(file.get(), path);
  constexpr std::uint32_t kUnsignedByte = 0x08;
  if (magic >> 16 != 0 || (magic >> 8 & 0xff) != kUnsignedByte) {
    throw std::runtime_error(path + ": not an IDX file of unsigned bytes");
  }
  IdxArray array;
  for (std::uint32_t d = 0, n = magic & 0xff; d < n; ++d) {
    array.dims.push_back(detail::read_big_endian_u32(file.get(), path));
  }
  if (array.dims.empty()) throw std::runtime_error(path + ": IDX file without dimensions");
  if (max_items > 0 && max_items < array.dims[0]) {
    array.dims[0] = static_cast<std::uint32_t>(max_items);
  }
  array.data.resize(array.dims[0] * array.item_size());
  detail::read_exactly(file.get(), array.data.data(), array.data.size(), path);
  return array;
}

}  // namespace fmnist
