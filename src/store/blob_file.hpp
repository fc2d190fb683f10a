// Large blobs as files: written under a temporary name, then renamed into
// place, so a reader never sees a partial file.
#pragma once

#include <filesystem>
#include <string_view>

namespace taskfs {

// Writes `bytes` to `final_path` atomically, through a file in `tmp_dir`.
// Throws std::runtime_error (e.g. "No space left on device") on failure.
void write_blob_file(const std::filesystem::path& tmp_dir, const std::filesystem::path& final_path,
                     std::string_view bytes);

}  // namespace taskfs
