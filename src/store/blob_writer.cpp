#include "store/blob_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <stdexcept>

#include "store/blob_file.hpp"

namespace taskfs {
namespace {

// The size of the buffer, and of the pieces written to the file: large
// enough that each write(2) moves a lot, small enough to stay in the cache
// between hashing and writing. Larger than kInlineLimit, so a blob that fills
// it once is a file.
constexpr std::size_t kPieceSize = std::size_t{1} << 20;
static_assert(kPieceSize > kInlineLimit);
// The buffer grows to kPieceSize from this, so that a small blob (one of the
// many elements of a collection, say) costs a small allocation.
constexpr std::size_t kFirstBuffer = 4096;

}  // namespace

BlobWriter::BlobWriter(int tmp_fd, std::size_t head_size)
    : tmp_fd_(tmp_fd), head_size_(head_size) {}

BlobWriter::~BlobWriter() = default;

void BlobWriter::spill(std::string_view bytes) {
  hasher_.bytes(bytes);
  staged_.size += bytes.size();
  std::size_t to_head = std::min(head_size_ - staged_.bytes.size(), bytes.size());
  staged_.bytes.append(bytes.substr(0, to_head));
  bytes.remove_prefix(to_head);
  if (bytes.empty()) return;
  if (!file_) file_ = std::make_unique<BlobFileWriter>(tmp_fd_);
  file_->append(bytes);
}

void BlobWriter::spill_buffer() {
  spill(std::string_view(pbase(), static_cast<std::size_t>(pptr() - pbase())));
  setp(buffer_.get(), buffer_.get() + capacity_);
}

bool BlobWriter::make_room(std::size_t n) {
  auto used = static_cast<std::size_t>(pptr() - pbase());
  if (used + n <= capacity_) return true;
  if (used + n > kPieceSize) return false;
  std::size_t capacity = std::min(kPieceSize, std::max({capacity_ * 2, used + n, kFirstBuffer}));
  // Not zeroed (new char[]): only what is written is touched.
  std::unique_ptr<char[]> grown(new char[capacity]);
  std::copy_n(pbase(), used, grown.get());
  buffer_ = std::move(grown);
  capacity_ = capacity;
  setp(buffer_.get(), buffer_.get() + capacity_);
  pbump(static_cast<int>(used));
  return true;
}

BlobWriter::int_type BlobWriter::overflow(int_type c) {
  if (finished_) throw std::logic_error("BlobWriter: written after finish()");
  if (!make_room(1)) spill_buffer();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

std::streamsize BlobWriter::xsputn(const char* s, std::streamsize n) {
  if (finished_) throw std::logic_error("BlobWriter: written after finish()");
  auto size = static_cast<std::size_t>(n);
  if (make_room(size)) {
    std::copy_n(s, size, pptr());
    pbump(static_cast<int>(size));
    return n;
  }
  // Too large for the buffer: what it holds goes first, then the bytes
  // themselves piece by piece, without a copy (a string result of 1 GiB).
  spill_buffer();
  std::string_view bytes(s, size);
  while (bytes.size() >= kPieceSize) {
    spill(bytes.substr(0, kPieceSize));
    bytes.remove_prefix(kPieceSize);
  }
  make_room(bytes.size());  // less than a piece: fits the empty buffer
  std::copy_n(bytes.data(), bytes.size(), pptr());
  pbump(static_cast<int>(bytes.size()));
  return n;
}

const StagedBlob& BlobWriter::finish() {
  if (finished_) return staged_;
  if (!file_ && staged_.size == 0) {
    // Never outgrew the buffer: small enough for a row when within the limit.
    std::string_view bytes(pbase(), static_cast<std::size_t>(pptr() - pbase()));
    if (bytes.size() <= kInlineLimit) {
      hasher_.bytes(bytes);
      staged_.bytes.assign(bytes);
      staged_.size = bytes.size();
      setp(buffer_.get(), buffer_.get());
    }
  }
  if (pptr() != pbase()) spill_buffer();
  staged_.in_file = file_ != nullptr;
  staged_.hash = hasher_.finish();
  buffer_.reset();
  setp(nullptr, nullptr);
  finished_ = true;
  return staged_;
}

void BlobWriter::commit(int blobs_fd, const std::string& name) {
  finish();
  if (!file_) return;
  struct stat st {};
  if (::fstatat(blobs_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
    file_.reset();  // the same bytes are there: the temporary file goes
    return;
  }
  file_->commit(blobs_fd, name);
}

}  // namespace taskfs
