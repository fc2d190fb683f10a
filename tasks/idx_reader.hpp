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

// An IDX file of unsigned bytes read one item at a time (an image, a label),
// so that a whole split is never in memory.
class IdxReader {
 public:
  explicit IdxReader(std::string path) : path_(std::move(path)) {
    if (!file_) throw std::runtime_error(path_ + ": cannot open");
    std::uint32_t magic = read_big_endian_u32();
    constexpr std::uint32_t kUnsignedByte = 0x08;
    if (magic >> 16 != 0 || (magic >> 8 & 0xff) != kUnsignedByte) {
      throw std::runtime_error(path_ + ": not an IDX file of unsigned bytes");
    }
    for (std::uint32_t d = 0, n = magic & 0xff; d < n; ++d) dims_.push_back(read_big_endian_u32());
    if (dims_.empty()) throw std::runtime_error(path_ + ": IDX file without dimensions");
  }

  const std::string& path() const { return path_; }
  // dims()[0] counts the items; the others are one item's shape.
  const std::vector<std::uint32_t>& dims() const { return dims_; }
  // The number of bytes in one item (e.g. rows * cols for images).
  std::size_t item_size() const {
    std::size_t n = 1;
    for (std::size_t i = 1; i < dims_.size(); ++i) n *= dims_[i];
    return n;
  }
  // The next item's bytes into `out`.
  void read_item(std::vector<std::uint8_t>& out) {
    out.resize(item_size());
    read_exactly(out.data(), out.size());
  }

 private:
  void read_exactly(void* out, std::size_t size) {
    auto* at = static_cast<char*>(out);
    while (size > 0) {
      // gzread takes an unsigned int; read large spans in chunks.
      unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(size, 1u << 30));
      int n = gzread(file_.get(), at, chunk);
      if (n <= 0) throw std::runtime_error(path_ + ": truncated IDX file");
      at += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  std::uint32_t read_big_endian_u32() {
    unsigned char b[4];
    read_exactly(b, sizeof b);
    return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
  }

  std::string path_;
  std::unique_ptr<gzFile_s, decltype(&gzclose)> file_{gzopen(path_.c_str(), "rb"), &gzclose};
  std::vector<std::uint32_t> dims_;
};

}  // namespace fmnist
