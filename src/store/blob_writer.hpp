// A blob written as it is made: the streambuf a task's result is serialized
// into. The bytes are hashed on the fly and, once they outgrow a row of the
// database, written in pieces of 1 MiB to a temporary file of the store, so
// nothing the size of the blob is ever held in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>

#include "key/hash.hpp"

namespace taskfs {

class BlobFileWriter;

// Blobs up to this size live in the database; larger ones in files.
inline constexpr std::size_t kInlineLimit = std::size_t{256} * 1024;

// A blob whose bytes are all written: what its row records.
struct StagedBlob {
  Hash128 hash;
  std::uint64_t size = 0;
  bool in_file = false;
  std::string bytes;  // the whole blob, or (in_file) its head
};

class BlobWriter : public std::streambuf {
 public:
  // A blob whose first `head_size` bytes stay in its row when the rest becomes
  // a file (see Store::value_writer); the file is made in the directory `tmp_fd`.
  BlobWriter(int tmp_fd, std::size_t head_size);
  // Removes the temporary file unless commit() put it in place: a task that
  // threw half way, or whose result is not kept, leaves nothing behind.
  ~BlobWriter() override;
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  // Ends the writing (later calls return the same): the blob's hash, size and
  // row bytes. Throws std::runtime_error when its last bytes cannot be written.
  const StagedBlob& finish();
  // Puts a finished blob's file in place as `name` ("ab/abcd...") below
  // `blobs_fd`, durable, unless a file is there already (blobs are
  // content-addressed). Nothing to do for a blob kept in its row.
  void commit(int blobs_fd, const std::string& name);

 protected:
  // Both throw std::runtime_error when the bytes cannot be written (a full
  // disk, say); cereal, which calls sputn directly, lets it through.
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;

 private:
  // Hashes `bytes` and sends them on, in order: into the head, then the file.
  void spill(std::string_view bytes);
  // Spills what the buffer holds and empties it.
  void spill_buffer();
  // Grows the buffer if needed so that `n` more bytes fit, unless it would
  // outgrow the size of a piece; whether they fit.
  bool make_room(std::size_t n);

  int tmp_fd_;  // not owned
  std::size_t head_size_;
  std::unique_ptr<char[]> buffer_;  // the put area, grown up to a piece
  std::size_t capacity_ = 0;
  Hasher hasher_;
  std::unique_ptr<BlobFileWriter> file_;  // once the bytes outgrew the buffer
  StagedBlob staged_;
  bool finished_ = false;
};

}  // namespace taskfs
