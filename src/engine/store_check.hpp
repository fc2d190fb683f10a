// `taskfs fsck`: the store checked without loading any task library.
#pragma once

#include <filesystem>

#include "store/store.hpp"

namespace taskfs {

// Reads every blob of the store in `store_dir` back against its content hash
// and forgets the damaged ones (their results are computed again on the next
// read, by a running daemon too); removes the temporary files of killed
// writers. Throws StoreError when the store cannot be opened.
StoreCheck check_store(const std::filesystem::path& store_dir);

}  // namespace taskfs
