#include "store/blob_reader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "sys/io.hpp"

namespace taskfs {

BlobReader::BlobReader(std::string bytes, std::uint64_t offset, std::uint64_t size)
    : bytes_(std::move(bytes)), offset_(offset), size_(size) {}

BlobReader::BlobReader(Fd file, std::uint64_t offset, std::uint64_t size)
    : file_(std::move(file)), offset_(offset), size_(size) {}

BlobReader::BlobReader(std::string head, Fd file, std::uint64_t size)
    : bytes_(std::move(head)), file_(std::move(file)), offset_(0), size_(size) {}

bool BlobReader::is_whole_file() const {
  struct stat st {};
  return fd() >= 0 && offset_ == 0 && ::fstat(file_.get(), &st) == 0 &&
         static_cast<std::uint64_t>(st.st_size) == size_;
}

std::string_view BlobReader::memory() const {
  return std::string_view(bytes_).substr(offset_, size_);
}

std::size_t BlobReader::read(char* out, std::size_t length, std::uint64_t position) const {
  if (position >= size_) return 0;
  length = static_cast<std::size_t>(std::min<std::uint64_t>(length, size_ - position));
  if (!file_) {
    std::memcpy(out, bytes_.data() + offset_ + position, length);
    return length;
  }
  // With a file, bytes_ holds a head that comes before the file (offset_ is 0).
  std::size_t done = 0;
  if (position < bytes_.size()) {
    done = std::min<std::size_t>(length, bytes_.size() - position);
    std::memcpy(out, bytes_.data() + position, done);
  }
  if (done == length) return done;
  std::uint64_t in_file = offset_ + position + done - bytes_.size();
  std::size_t got =
      pread_full(file_.get(), out + done, length - done, in_file, "reading a stored result");
  if (got < length - done)
    throw std::runtime_error("a stored result file is shorter than its record");
  return length;
}

}  // namespace taskfs
