#include "exec/output_splitter.hpp"

#include <algorithm>

namespace taskfs::exec {
namespace {

// The length of the longest end of `bytes` that is the start of `mark`
// (shorter than the whole mark, which would have been found).
std::size_t start_of_mark_at_end(std::string_view bytes, std::string_view mark) {
  for (std::size_t n = std::min(bytes.size(), mark.size() - 1); n > 0; --n) {
    if (bytes.substr(bytes.size() - n) == mark.substr(0, n)) return n;
  }
  return 0;
}

}  // namespace

void OutputSplitter::feed(std::string_view bytes, RunOutputListener& listener) {
  std::string joined;
  if (!held_.empty()) {
    joined = std::move(held_) + std::string(bytes);
    held_.clear();
    bytes = joined;
  }
  for (std::size_t at = bytes.find(mark_); at != std::string_view::npos; at = bytes.find(mark_)) {
    if (at > 0) listener.output(bytes.substr(0, at));
    listener.run_ended();
    bytes.remove_prefix(at + mark_.size());
  }
  std::size_t held = start_of_mark_at_end(bytes, mark_);
  if (bytes.size() > held) listener.output(bytes.substr(0, bytes.size() - held));
  held_.assign(bytes.substr(bytes.size() - held));
}

void OutputSplitter::flush(RunOutputListener& listener) {
  if (!held_.empty()) listener.output(held_);
  held_.clear();
}

}  // namespace taskfs::exec
