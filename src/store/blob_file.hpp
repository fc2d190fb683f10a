// Large blobs as files: written under a temporary name, then renamed into
// place, so a reader never sees a partial file. Every name is opened relative
// to a directory of the store, never through a symbolic link.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sys/fd.hpp"

namespace taskfs {

// A blob file being written piece by piece (a result serialized by a task,
// see BlobWriter, or streamed from the team cache). Destroyed before commit(), it removes its
// temporary file.
class BlobFileWriter {
 public:
  // Creates a new temporary file in the directory `tmp_fd`: a name that did
  // not exist (O_EXCL: a name planted there is stepped over, never opened).
  // Throws std::runtime_error.
  explicit BlobFileWriter(int tmp_fd);
  ~BlobFileWriter();
  BlobFileWriter(const BlobFileWriter&) = delete;
  BlobFileWriter& operator=(const BlobFileWriter&) = delete;

  // Throws std::runtime_error (e.g. "No space left on device").
  void append(std::string_view bytes);
  // Makes the bytes durable and renames them to `name` ("ab/abcd...") below
  // the directory `blobs_fd`, creating its shard directory. A link planted at
  // that name is replaced, not written through.
  void commit(int blobs_fd, const std::string& name);

 private:
  int tmp_dir_;      // the store's tmp/, not owned
  std::string tmp_;  // the file's name in tmp/; empty once renamed into place
  Fd fd_;
  std::uint64_t written_ = 0;          // bytes appended so far
  std::uint64_t writeback_start_ = 0;  // the first byte not yet handed to writeback
};

}  // namespace taskfs
