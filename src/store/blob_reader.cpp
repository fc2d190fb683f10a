#include "store/blob_reader.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace taskfs {

BlobReader::BlobReader(std::string bytes, std::uint64_t offset, std::uint64_t size)
    : bytes_(std::move(bytes)), offset_(offset), size_(size) {}

BlobReader::BlobReader(int fd, std::uint64_t offset, std::uint64_t size)
    : fd_(fd), offset_(offset), size_(size) {}

BlobReader::~BlobReader() {
  if (fd_ >= 0) ::close(fd_);
}

BlobReader::BlobReader(BlobReader&& other) noexcept
    : bytes_(std::move(other.bytes_)),
      fd_(std::exchange(other.fd_, -1)),
      offset_(other.offset_),
      size_(other.size_) {}

BlobReader& BlobReader::operator=(BlobReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    bytes_ = std::move(other.bytes_);
    fd_ = std::exchange(other.fd_, -1);
    offset_ = other.offset_;
    size_ = other.size_;
  }
  return *this;
}

std::string_view BlobReader::memory() const {
  return std::string_view(bytes_).substr(offset_, size_);
}

std::size_t BlobReader::read(char* out, std::size_t length, std::uint64_t position) const {
  if (position >= size_) return 0;
  length = static_cast<std::size_t>(std::min<std::uint64_t>(length, size_ - position));
  if (fd_ < 0) {
    std::memcpy(out, bytes_.data() + offset_ + position, length);
    return length;
  }
  std::size_t done = 0;
  while (done < length) {
    ssize_t n =
        ::pread(fd_, out + done, length - done, static_cast<off_t>(offset_ + position + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw std::runtime_error(std::string("reading a stored result: ") + std::strerror(errno));
    if (n == 0) throw std::runtime_error("a stored result file is shorter than its record");
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace taskfs
