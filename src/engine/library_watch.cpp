#include "engine/library_watch.hpp"

#include <cerrno>
#include <cstring>

#include "clock.hpp"

namespace taskfs {

LibraryWatch::LibraryWatch(std::string library, Load load)
    : library_(std::move(library)), load_(std::move(load)) {
  current_.catalog = std::make_shared<Catalog>();
}

LoadedCatalog LibraryWatch::current() {
  std::unique_lock lock(mutex_);
  std::optional<FileStamp> stamp = stamp_of(library_);
  if (!stamp) {
    if (!tried_ || error_.empty()) {
      error_ = "cannot find the task library " + library_ + ": " + std::strerror(errno);
    }
    return current_;
  }
  if (stamp == tried_ || loading_) return current_;
  tried_ = stamp;
  loading_ = true;
  std::uint64_t generation = current_.generation + 1;
  lock.unlock();
  std::shared_ptr<const Catalog> loaded;
  std::string error;
  try {
    loaded = load_(*stamp, generation);
  } catch (const std::exception& e) {
    error = e.what();
  }
  lock.lock();
  loading_ = false;
  if (loaded) {
    current_ = {std::move(loaded), generation};
    loaded_at_ = epoch_seconds();
  } else if (current_.generation > 0) {
    error += " (still serving the previously loaded library)";
  }
  error_ = std::move(error);
  return current_;
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
