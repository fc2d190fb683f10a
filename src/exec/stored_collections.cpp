#include "exec/stored_collections.hpp"

#include <algorithm>
#include <stdexcept>

namespace taskfs::exec {
namespace {

// A batch is written when it holds this many elements or bytes: few enough
// that a list larger than memory streams to the store, many enough that one
// transaction carries many small elements.
constexpr std::size_t kBatchElements = 4096;
constexpr std::size_t kBatchBytes = std::size_t{16} << 20;
// A view reads this many element rows per query, so that iterating costs one
// query per page (plus one blob read per large element; a small one's bytes
// are in its row).
constexpr std::size_t kViewPage = 256;

// The elements of one stored collection, read one at a time (their rows a
// page at a time).
class StoredCollectionSource final : public detail::ElementSource {
 public:
  StoredCollectionSource(Store& store, CollectionInfo collection)
      : store_(store), collection_(collection) {}

  std::uint64_t size() const override { return collection_.size; }
  std::string name(std::uint64_t index) const override { return element(index).name; }
  std::string value(std::uint64_t index) const override {
    const ElementInfo& e = element(index);
    if (e.stored_inline) return e.stored_inline->value;
    return store_.read_blob(e.result.value_hash);
  }
  std::optional<std::uint64_t> index_of(std::string_view name) const override {
    auto found = store_.find_element(collection_, name);
    if (!found) return std::nullopt;
    return found->index;
  }

 private:
  const ElementInfo& element(std::uint64_t index) const {
    if (index < page_first_ || index - page_first_ >= page_.size()) {
      page_ = store_.elements(collection_, index, kViewPage);
      page_first_ = index;
      if (page_.empty() || page_.front().index != index) {
        throw std::runtime_error("the store lacks element " + std::to_string(index) +
                                 " of a collection (store damaged?)");
      }
    }
    return page_[index - page_first_];
  }

  Store& store_;
  CollectionInfo collection_;
  mutable std::vector<ElementInfo> page_;  // the rows of the elements last read
  mutable std::uint64_t page_first_ = 0;
};

}  // namespace

StoredCollectionSink::StoredCollectionSink(Store& store)
    : store_(store), id_(store.begin_collection()) {}

void StoredCollectionSink::append(std::string name, std::string value, detail::RenderedView view) {
  if (sealed_) throw std::logic_error("taskfs: a collection was appended to after its task ended");
  batch_bytes_ += name.size() + value.size() + view.text.size();
  batch_.push_back({std::move(name), std::move(value),
                    FileView{view.is_value_suffix, view.suffix_offset, std::move(view.text)}});
  if (batch_.size() >= kBatchElements || batch_bytes_ >= kBatchBytes) flush();
}

void StoredCollectionSink::flush() {
  if (batch_.empty()) return;
  std::vector<Hash128> hashes = store_.append_elements(id_, stored_, batch_);
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    digest_.add(batch_[i].name, hashes[i]);
  }
  stored_ += batch_.size();
  batch_.clear();
  batch_bytes_ = 0;
}

ResultInfo StoredCollectionSink::finish(const NewResult& result) {
  flush();
  sealed_ = true;
  return store_.finish_collection(result, id_, stored_, digest_.finish());
}

void StoredCollectionSink::discard() {
  if (sealed_) return;
  sealed_ = true;
  batch_.clear();
  store_.discard_collection(id_);
}

void StoredCollections::install(detail::CollectionHooks& hooks) {
  hooks.open_sink = [this]() -> std::shared_ptr<detail::ElementSink> {
    opened_.push_back(std::make_shared<StoredCollectionSink>(store_));
    return opened_.back();
  };
  hooks.open_source =
      [this](std::string_view value) -> std::shared_ptr<const detail::ElementSource> {
    // A collection's value is its manifest, and blobs are named by the hash
    // of their bytes: the bytes name the collection.
    Hash128 manifest = hash_bytes(value);
    auto collection = store_.find_collection(manifest);
    if (!collection) {
      // Its elements are gone (evicted by a taskfs gc of another process, or
      // forgotten as damaged): the upstream result is forgotten and computed again.
      throw DamagedBlob(manifest, "the elements of an upstream collection are not in the store");
    }
    return std::make_shared<StoredCollectionSource>(store_, *collection);
  };
}

ResultInfo StoredCollections::finish_run(const detail::ElementSink* returned,
                                         const NewResult& result) {
  auto it = std::find_if(opened_.begin(), opened_.end(),
                         [returned](const auto& sink) { return sink.get() == returned; });
  if (it == opened_.end()) {
    abandon_run();
    throw std::runtime_error(
        "the task returned a collection it did not make (a collection argument?): build a new "
        "tf::List or tf::Dict from its elements");
  }
  std::shared_ptr<StoredCollectionSink> sink = *it;
  opened_.erase(it);
  abandon_run();
  return sink->finish(result);
}

void StoredCollections::abandon_run() {
  for (auto& sink : opened_) sink->discard();
  opened_.clear();
}

}  // namespace taskfs::exec
