// Notices a rebuilt task library and has its catalog read again; a library
// that fails to load leaves the previous catalog in place. How a catalog is
// read (a worker, or the store's copy) is the engine's: this only decides when.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "graph/catalog.hpp"
#include "key/file_stamp.hpp"

namespace taskfs {

// A catalog and the generation of the library it was read from.
struct LoadedCatalog {
  std::shared_ptr<const Catalog> catalog;
  std::uint64_t generation = 0;
};

class LibraryWatch {
 public:
  // Reads the catalog of the library file as `stamp` describes it, for
  // `generation`; throws std::runtime_error saying why it cannot.
  using Load = std::function<std::shared_ptr<const Catalog>(const FileStamp& stamp,
                                                            std::uint64_t generation)>;

  LibraryWatch(std::string library, Load load);

  // The current catalog, after loading the library again if its file changed.
  // The caller that notices the change waits for the load; callers that come
  // while it runs get the catalog of before at once (no lock is held while a
  // library loads). Before any successful load the catalog is empty and
  // error() says why.
  LoadedCatalog current();
  // Why the last load failed, or empty.
  std::string error() const;
  // When the current catalog was loaded (seconds since the epoch), 0 if never.
  double loaded_at() const;

 private:
  std::string library_;
  Load load_;
  mutable std::mutex mutex_;
  LoadedCatalog current_;
  std::optional<FileStamp> tried_;  // the library file as last tried, loaded or not
  bool loading_ = false;
  std::string error_;
  double loaded_at_ = 0;
};

}  // namespace taskfs
