// Reading a stored blob by range, without loading it whole.
#pragma once

#include <cstdint>
#include <string>

namespace taskfs {

// A range [offset, offset + size) of one blob: small blobs live in memory,
// large ones in a file of the store read with pread (or spliced by the caller).
class BlobReader {
 public:
  BlobReader() = default;
  // A reader over bytes held in memory.
  BlobReader(std::string bytes, std::uint64_t offset, std::uint64_t size);
  // A reader over a file; takes ownership of `fd`.
  BlobReader(int fd, std::uint64_t offset, std::uint64_t size);
  ~BlobReader();
  BlobReader(BlobReader&& other) noexcept;
  BlobReader& operator=(BlobReader&& other) noexcept;
  BlobReader(const BlobReader&) = delete;
  BlobReader& operator=(const BlobReader&) = delete;

  std::uint64_t size() const { return size_; }
  // Copies up to `length` bytes at `position` (relative to the range) into
  // `out`; returns how many, 0 at the end. Throws std::runtime_error on I/O error.
  std::size_t read(char* out, std::size_t length, std::uint64_t position) const;
  // The file descriptor and the file offset of the range start, or -1 when in memory.
  int fd() const { return fd_; }
  std::uint64_t file_offset() const { return offset_; }
  // The bytes of an in-memory blob's range, without a copy.
  std::string_view memory() const;

 private:
  std::string bytes_;
  int fd_ = -1;
  std::uint64_t offset_ = 0;
  std::uint64_t size_ = 0;
};

}  // namespace taskfs
