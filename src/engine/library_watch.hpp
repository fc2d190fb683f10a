// Notices a rebuilt task library and loads its catalog in a fresh worker; a
// library that fails to load leaves the previous catalog in place.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "exec/worker_process.hpp"
#include "graph/catalog.hpp"
#include "key/file_stamp.hpp"

namespace taskfs {

// A catalog and the generation of the library it was read from.
struct LoadedCatalog {
  std::shared_ptr<const Catalog> catalog;
  std::uint64_t generation = 0;
};

// Where catalogs already read are kept, by library path and file stamp, so
// that a new process need not load an unchanged library to know its tasks.
struct CatalogCache {
  std::function<std::optional<std::string>(const std::string& library, const std::string& stamp)>
      find;
  std::function<void(const std::string& library, const std::string& stamp, std::string_view data)>
      save;
};

class LibraryWatch {
 public:
  // Called after each successful load with the worker that read the catalog,
  // ready to run tasks of that generation (null when the catalog was cached).
  using OnLoad =
      std::function<void(std::uint64_t generation, std::unique_ptr<exec::WorkerProcess>)>;

  LibraryWatch(exec::WorkerConfig config, CatalogCache cache, OnLoad on_load);

  // The current catalog, after loading the library again if its file changed.
  // Before any successful load the catalog is empty and error() says why.
  LoadedCatalog current();
  // Why the last load failed, or empty.
  std::string error() const;
  // When the current catalog was loaded (seconds since the epoch), 0 if never.
  double loaded_at() const;

 private:
  void load(const FileStamp& stamp);
  // The catalog of the library as it is now, from the cache or from a fresh
  // worker (left in `worker`, ready to run tasks).
  std::shared_ptr<const Catalog> read_catalog(const FileStamp& stamp,
                                              std::unique_ptr<exec::WorkerProcess>& worker);

  exec::WorkerConfig config_;
  CatalogCache cache_;
  OnLoad on_load_;
  mutable std::mutex mutex_;
  LoadedCatalog current_;
  std::optional<FileStamp> tried_;  // the library file as last tried, loaded or not
  std::string error_;
  double loaded_at_ = 0;
};

}  // namespace taskfs
