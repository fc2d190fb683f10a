// An advisory lock (flock) on a file of the store directory, shared between
// the processes that use one store: the daemon, its workers, `taskfs run` and
// `taskfs gc`.
#pragma once

#include <sys/types.h>

#include <string>

#include "sys/fd.hpp"
#include "sys/store_dir.hpp"

namespace taskfs {

// Held shared by whoever puts a blob file in place, from the moment it finds
// or writes the file until the row naming it is committed; held exclusively by
// eviction while it deletes rows and files. So eviction never removes a file
// that a writer found in place (content-addressed: it skips writing it) and is
// about to name. Every writer of blobs/ takes it.
inline constexpr const char* kBlobsLock = "blobs.lock";

// One lock, held while the object lives. Each object opens the lock file
// anew: flock locks belong to an open file, so two threads of one process
// exclude each other like two processes.
class StoreLock {
 public:
  enum class Mode { Shared, Exclusive };
  // Blocks until the lock is held. Throws StoreError when the lock file
  // cannot be opened or locked.
  StoreLock(const StoreDir& dir, const std::string& name, Mode mode);

 private:
  Fd fd_;
};

// Whether the process `pid`, which wrote to the store (a temporary file, a
// collection being built), is gone. A pid reused since counts as alive: what
// it left stays until later, never removed too early.
bool writer_gone(pid_t pid);

}  // namespace taskfs
