// The ResultSink a worker hands a task: its result is serialized straight
// into a blob of the store (see BlobWriter), then stored with its view; a
// collection's elements went to the store already, through its sink.
#pragma once

#include <chrono>
#include <memory>
#include <streambuf>

#include "store/store.hpp"
#include "taskfs/detail/task_def.hpp"

namespace taskfs::exec {

class StoredResult final : public detail::ResultSink {
 public:
  explicit StoredResult(Store& store) : store_(store) {}

  std::streambuf& value_stream(detail::RenderedView view) override;
  void collection(std::shared_ptr<detail::ElementSink> elements) override;
  // A collection result's sink, when the result is one (see StoredCollections).
  detail::ElementSink* elements() const { return elements_.get(); }
  // The value written, with its view, as Store::put_results stores it (it
  // stays this object's: it goes when this does, unless it was stored).
  // Throws std::logic_error when the task wrote none.
  ResultToStore to_store(NewResult result) const;
  // When the task handed its result over (its function had returned and
  // the view was made): what follows is storing, not the task's own time.
  std::chrono::steady_clock::time_point handed_over() const { return handed_over_; }

 private:
  Store& store_;
  FileView view_;
  std::chrono::steady_clock::time_point handed_over_;
  // Removes its temporary file when the result is not stored: the task threw
  // half way, or an input file changed while it ran.
  std::unique_ptr<BlobWriter> value_;
  std::shared_ptr<detail::ElementSink> elements_;
};

}  // namespace taskfs::exec
