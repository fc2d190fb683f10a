// A collection larger than the memory a process may grow by, for figure 13:
// `count` elements of `mib` MiB each, produced one at a time, and a consumer
// that walks them through the lazy view.
#include <cstdint>
#include <cstring>
#include <string>
#include <taskfs/taskfs.hpp>

namespace tf = taskfs;

const auto big_list = tf::task("big_list")
                          .param("count", std::int64_t{2048})
                          .param("mib", std::int64_t{1})
                          .run(TASKFS_FN([](std::int64_t count, std::int64_t mib) {
                            tf::List<std::string> out;
                            std::string element(static_cast<std::size_t>(mib) << 20, '.');
                            for (std::int64_t i = 0; i < count; ++i) {
                              // Distinct elements: the store keeps each one's bytes.
                              std::memcpy(element.data(), &i, sizeof i);
                              out.push_back(element);
                            }
                            return out;
                          }));

const auto big_list_bytes =
    tf::task("big_list_bytes").input(big_list).run(TASKFS_FN([](const tf::List<std::string>& xs) {
      std::uint64_t total = 0;
      for (const auto& x : xs) total += x.size();
      return total;
    }));
