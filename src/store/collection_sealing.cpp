// Sealing a collection from results already stored (SPEC 6): an .each task's
// elements are ordinary results, each under its own key; once all are there,
// the engine makes them the elements of one collection, whose rows name the
// elements' blobs (no bytes are copied, no worker is needed).
#include <string>

#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace taskfs {

ResultInfo Store::seal_elements(const NewResult& result,
                                const std::vector<SealedElement>& elements) {
  std::int64_t collection = begin_collection();
  CollectionDigest digest;
  try {
    std::lock_guard lock(mutex_);
    sqlite::Transaction txn(*db_);
    auto& insert = db_->cached(
        "INSERT INTO elements(collection, idx, name, value_hash, value_size, view_hash, "
        "view_offset, view_size) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    for (std::size_t i = 0; i < elements.size(); ++i) {
      const ResultInfo& info = elements[i].result;
      insert.bind(1, collection)
          .bind(2, static_cast<std::int64_t>(i))
          .bind(3, elements[i].name)
          .bind(4, info.value_hash.hex())
          .bind(5, static_cast<std::int64_t>(info.value_size))
          .bind(6, info.view_hash.hex())
          .bind(7, static_cast<std::int64_t>(info.view_offset))
          .bind(8, static_cast<std::int64_t>(info.view_size))
          .run();
      digest.add(elements[i].name, info.value_hash);
    }
    txn.commit();
  } catch (...) {
    discard_collection(collection);
    throw;
  }
  return finish_collection(result, collection, elements.size(), digest.finish());
}

}  // namespace taskfs
