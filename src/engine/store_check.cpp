#include "engine/store_check.hpp"

namespace taskfs {

StoreCheck check_store(const std::filesystem::path& store_dir) {
  Store store(store_dir);
  std::size_t stale = store.remove_stale_temp_files();
  StoreCheck check = store.check_blobs();
  check.stale_temp_files = stale;
  return check;
}

}  // namespace taskfs
