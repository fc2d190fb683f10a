#include "exec/stored_result.hpp"

#include <stdexcept>
#include <utility>

namespace taskfs::exec {

std::streambuf& StoredResult::value_stream(detail::RenderedView view) {
  handed_over_ = std::chrono::steady_clock::now();
  // The authoring API's view, as the store keeps it: here is the one place
  // that knows both.
  view_ = FileView{view.is_value_suffix, view.suffix_offset, std::move(view.text)};
  value_ = store_.value_writer(view_);
  return *value_;
}

void StoredResult::collection(std::shared_ptr<detail::ElementSink> elements) {
  handed_over_ = std::chrono::steady_clock::now();
  elements_ = std::move(elements);
}

ResultToStore StoredResult::to_store(NewResult result) const {
  if (!value_) throw std::logic_error("the task's invoke wrote no result");
  return {std::move(result), value_.get(), view_};
}

}  // namespace taskfs::exec
