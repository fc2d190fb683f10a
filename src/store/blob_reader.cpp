#include "store/blob_reader.hpp"

#include <sys/stat.h>
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

BlobReader::BlobReader(std::string head, int fd, std::uint64_t size)
    : bytes_(std::move(head)), fd_(fd), offset_(0), size_(size) {}

bool BlobReader::is_whole_file() const {
  struct stat st {};
  return fd() >= 0 && offset_ == 0 && ::fstat(fd_, &st) == 0 &&
         static_cast<std::uint64_t>(st.st_size) == size_;
}

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
  // With a file, bytes_ holds a head that comes before the file (offset_ is 0).
  std::size_t done = 0;
  if (position < bytes_.size()) {
    done = std::min<std::size_t>(length, bytes_.size() - position);
    std::memcpy(out, bytes_.data() + position, done);
  }
  while (done < length) {
    std::uint64_t in_file = offset_ + position + done - bytes_.size();
    ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(in_file));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw std::runtime_error(std::string("reading a stored result: ") + std::strerror(errno));
    }
    if (n == 0) throw std::runtime_error("a stored result file is shorter than its record");
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace taskfs
