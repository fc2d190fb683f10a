#include "engine/pins.hpp"

#include <utility>

namespace taskfs {

PinTable::Pin::Pin(PinTable* table, const ResultInfo& result)
    : table_(table), value_(result.value_hash), view_(result.view_hash) {
  table_->add(value_);
  table_->add(view_);
}

PinTable::Pin::Pin(Pin&& other) noexcept
    : table_(std::exchange(other.table_, nullptr)), value_(other.value_), view_(other.view_) {}

PinTable::Pin& PinTable::Pin::operator=(Pin&& other) noexcept {
  if (this != &other) {
    release();
    table_ = std::exchange(other.table_, nullptr);
    value_ = other.value_;
    view_ = other.view_;
  }
  return *this;
}

void PinTable::Pin::release() {
  if (table_ == nullptr) return;
  table_->remove(value_);
  table_->remove(view_);
  table_ = nullptr;
}

std::unordered_set<Hash128> PinTable::pinned() const {
  std::lock_guard lock(mutex_);
  std::unordered_set<Hash128> out;
  for (const auto& [hash, count] : counts_) out.insert(hash);
  return out;
}

void PinTable::add(const Hash128& hash) {
  std::lock_guard lock(mutex_);
  ++counts_[hash];
}

void PinTable::remove(const Hash128& hash) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(hash);
  if (it == counts_.end() || --it->second > 0) return;
  counts_.erase(it);
  // A computation of 100,000 nodes pinned as many blobs: the buckets they
  // took are not freed by erasing them (2.8 MiB).
  constexpr std::size_t kBucketsKept = 1024;
  if (counts_.empty() && counts_.bucket_count() > kBucketsKept) counts_ = {};
}

}  // namespace taskfs
