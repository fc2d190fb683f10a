// Handing freed memory back to the system after work on a large graph.
#pragma once

#include <malloc.h>

#include <cstddef>

namespace taskfs {

// glibc keeps freed memory mapped for reuse, so a daemon's RSS would stay at
// what its largest piece of work ever held: a plan of 100,000 nodes walked or
// computed, a catalog of 100,000 tasks decoded, frees hundreds of MiB of keys,
// vectors and buffers when it ends. Declared before what such work allocates,
// this is destroyed after it: a large piece of work then hands the free pages
// back (malloc_trim, which also releases whole free pages inside the heap).
struct ReleaseMemoryAfter {
  std::size_t nodes = 0;  // tasks or plan nodes the work was about
  ReleaseMemoryAfter() = default;
  explicit ReleaseMemoryAfter(std::size_t n) : nodes(n) {}
  ReleaseMemoryAfter(const ReleaseMemoryAfter&) = delete;
  ReleaseMemoryAfter& operator=(const ReleaseMemoryAfter&) = delete;
  ~ReleaseMemoryAfter() {
    constexpr std::size_t kLarge = 1000;  // below this the pages are few, and reused soon
    if (nodes >= kLarge) ::malloc_trim(0);
  }
};

}  // namespace taskfs
