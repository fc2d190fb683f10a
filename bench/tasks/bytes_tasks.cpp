// Results of a chosen size, for the hit-latency, throughput and store figures:
// bytes/default is 1 KiB, bytes/n:1073741824 is 1 GiB.
#include <cstdint>
#include <string>
#include <taskfs/taskfs.hpp>

namespace tf = taskfs;

// n bytes of text in 64-byte lines; a std::string result's file is its raw bytes.
const auto bytes =
    tf::task("bytes").param("n", std::int64_t{1024}).run(TASKFS_FN([](std::int64_t n) {
      std::string text(static_cast<std::size_t>(n), 'x');
      for (std::size_t i = 63; i < text.size(); i += 64) text[i] = '\n';
      return text;
    }));
