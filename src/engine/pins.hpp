// Blobs in use: the results open for reading, and those a running computation
// produced or feeds to its tasks. Eviction (taskfs gc, store_max_size) leaves
// them, so a read or a computation never loses its bytes under its feet.
#pragma once

#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "key/hash.hpp"
#include "store/records.hpp"

namespace taskfs {

class PinTable {
 public:
  // Keeps a result's blobs in use while it lives; movable, empty when moved from.
  class Pin {
   public:
    Pin() = default;
    ~Pin() { release(); }
    Pin(Pin&& other) noexcept;
    Pin& operator=(Pin&& other) noexcept;
    Pin(const Pin&) = delete;
    Pin& operator=(const Pin&) = delete;

   private:
    friend class PinTable;
    Pin(PinTable* table, const ResultInfo& result);
    void release();

    PinTable* table_ = nullptr;
    Hash128 value_;
    Hash128 view_;
  };

  Pin pin(const ResultInfo& result) { return Pin(this, result); }
  // The blobs pinned now.
  std::unordered_set<Hash128> pinned() const;

 private:
  void add(const Hash128& hash);
  void remove(const Hash128& hash);

  mutable std::mutex mutex_;
  std::unordered_map<Hash128, int> counts_;
};

}  // namespace taskfs
