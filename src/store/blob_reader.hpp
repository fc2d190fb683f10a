// Reading a stored blob by range, without loading it whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sys/fd.hpp"

namespace taskfs {

// A range [offset, offset + size) of one blob: small blobs live in memory,
// large ones in a file of the store read with pread (or spliced by the caller).
// A large blob may begin with a head held in its row (see Store::put_result):
// the reader joins the two.
class BlobReader {
 public:
  BlobReader() = default;
  // A reader over bytes held in memory.
  BlobReader(std::string bytes, std::uint64_t offset, std::uint64_t size);
  // A reader over a file from `offset`.
  BlobReader(Fd file, std::uint64_t offset, std::uint64_t size);
  // A reader over `head` followed by a file from its start.
  BlobReader(std::string head, Fd file, std::uint64_t size);

  std::uint64_t size() const { return size_; }
  // Copies up to `length` bytes at `position` (relative to the range) into
  // `out`; returns how many, 0 at the end. Throws std::runtime_error on I/O error.
  std::size_t read(char* out, std::size_t length, std::uint64_t position) const;
  // True when every byte is in memory (memory() has them).
  bool in_memory() const { return !file_; }
  // The file descriptor behind the range, or -1 when in memory or when the
  // range starts with bytes held in memory.
  int fd() const { return bytes_.empty() ? file_.get() : -1; }
  // True when the range is exactly the whole file behind fd(): the kernel may
  // then read the file itself (FUSE passthrough).
  bool is_whole_file() const;
  // Where the range starts in the file behind fd().
  std::uint64_t file_offset() const { return offset_; }
  // The bytes of an in-memory blob's range, without a copy. REQUIRES: in_memory().
  std::string_view memory() const;

 private:
  std::string bytes_;
  Fd file_;
  std::uint64_t offset_ = 0;
  std::uint64_t size_ = 0;
};

}  // namespace taskfs
