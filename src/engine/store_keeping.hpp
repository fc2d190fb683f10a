// Keeping the store in bounds without a daemon (SPEC 7): `taskfs gc` and
// `taskfs du` on the store alone, no task library loaded. With a daemon, the
// same goes through Engine::collect, which knows what is in use.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "store/records.hpp"

namespace taskfs {

// Evicts least recently read results of the store in `store_dir` until it
// holds at most `max_bytes`. Throws StoreError.
Eviction collect_store(const std::filesystem::path& store_dir, std::uint64_t max_bytes);
// The store's bytes and results by task, largest first. Throws StoreError.
std::vector<TaskUsage> store_usage(const std::filesystem::path& store_dir);

}  // namespace taskfs
