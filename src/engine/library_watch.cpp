#include "engine/library_watch.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include "clock.hpp"

namespace taskfs {

LibraryWatch::LibraryWatch(exec::WorkerConfig config, CatalogCache cache, OnLoad on_load)
    : config_(std::move(config)), cache_(std::move(cache)), on_load_(std::move(on_load)) {
  current_.catalog = std::make_shared<Catalog>();
}

LoadedCatalog LibraryWatch::current() {
  std::lock_guard lock(mutex_);
  std::optional<FileStamp> stamp = stamp_of(config_.library);
  if (!stamp) {
    if (!tried_ || error_.empty()) {
      error_ = "cannot find the task library " + config_.library + ": " + std::strerror(errno);
    }
  } else if (stamp != tried_) {
    load(*stamp);
  }
  return current_;
}

void LibraryWatch::load(const FileStamp& stamp) {
  tried_ = stamp;
  try {
    std::unique_ptr<exec::WorkerProcess> worker;
    current_ = {read_catalog(stamp, worker), current_.generation + 1};
    error_.clear();
    loaded_at_ = epoch_seconds();
    on_load_(current_.generation, std::move(worker));
  } catch (const exec::WorkerDied& e) {
    error_ = "loading the task library " + config_.library + " crashed: " + e.what();
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  if (!error_.empty() && current_.generation > 0) {
    error_ += " (still serving the previously loaded library)";
  }
}

std::shared_ptr<const Catalog> LibraryWatch::read_catalog(
    const FileStamp& stamp, std::unique_ptr<exec::WorkerProcess>& worker) {
  if (auto cached = cache_.find(config_.library, stamp.text())) {
    try {
      return std::make_shared<const Catalog>(decode_tasks(*cached));
    } catch (const std::exception&) {
      // Not a catalog after all: read it from the library below.
    }
  }
  worker = std::make_unique<exec::WorkerProcess>(config_);
  if (!worker->catalog().error.empty()) throw std::runtime_error(worker->catalog().error);
  // Built (and so checked) before it is cached: a bad catalog is never kept.
  auto catalog = std::make_shared<const Catalog>(worker->catalog().tasks);
  cache_.save(config_.library, stamp.text(), encode_tasks(catalog->tasks()));
  return catalog;
}

std::string LibraryWatch::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

double LibraryWatch::loaded_at() const {
  std::lock_guard lock(mutex_);
  return loaded_at_;
}

}  // namespace taskfs
