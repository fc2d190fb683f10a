// One computation of a key at a time across every process sharing a store
// (the daemon, any number of `taskfs run`): a lock file per key in the store's
// locks/ directory, held with flock(2) by the worker that runs the task. The
// kernel releases it when that process ends, however it ends.
#pragma once

#include <memory>
#include <string>

#include "key/hash.hpp"
#include "sys/fd.hpp"

namespace taskfs {

class Store;

class KeyLock {
 public:
  // Waits until no other process holds `key`, then holds it. Throws
  // std::runtime_error when the lock file cannot be made.
  KeyLock(const Store& store, const Hash128& key);
  // Holds `key` if no one else does (another process, or another KeyLock of
  // this one); else returns null at once. Throws as the constructor.
  static std::unique_ptr<KeyLock> try_take(const Store& store, const Hash128& key);
  // Removes the lock file, then releases the lock: a process waiting on the
  // removed file takes the next one (see the constructor).
  ~KeyLock();
  KeyLock(const KeyLock&) = delete;
  KeyLock& operator=(const KeyLock&) = delete;

 private:
  KeyLock(int dir, std::string name) : dir_(dir), name_(std::move(name)) {}
  // Takes the lock, waiting for it or not; false when `wait` is false and
  // another holds it.
  bool take(bool wait);

  int dir_;
  std::string name_;
  Fd file_;
};

}  // namespace taskfs
