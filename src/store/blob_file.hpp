// Large blobs as files: written under a temporary name, then renamed into
// place, so a reader never sees a partial file.
#pragma once

#include <filesystem>
#include <string_view>

#include "sys/fd.hpp"

namespace taskfs {

// A blob file being written piece by piece (a result streamed from the team
// cache, say). Destroyed before commit(), it removes its temporary file.
class BlobFileWriter {
 public:
  // Creates the temporary file in `tmp_dir`. Throws std::runtime_error.
  explicit BlobFileWriter(const std::filesystem::path& tmp_dir);
  ~BlobFileWriter();
  BlobFileWriter(const BlobFileWriter&) = delete;
  BlobFileWriter& operator=(const BlobFileWriter&) = delete;

  // Throws std::runtime_error (e.g. "No space left on device").
  void append(std::string_view bytes);
  // Makes the bytes durable and moves them to `final_path` (kept as it is
  // when it exists already: blobs are content-addressed).
  void commit(const std::filesystem::path& final_path);

 private:
  std::filesystem::path tmp_;  // empty once renamed into place
  Fd fd_;
};

// Writes `bytes` to `final_path` atomically, through a file in `tmp_dir`.
// Throws std::runtime_error (e.g. "No space left on device") on failure.
void write_blob_file(const std::filesystem::path& tmp_dir, const std::filesystem::path& final_path,
                     std::string_view bytes);

}  // namespace taskfs
