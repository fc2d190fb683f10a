// Collections for figure 10: a list of n elements of 100 bytes, written
// element by element and read back through the lazy view, against the same
// strings as one std::vector blob (the cereal reference).
#include <cstdint>
#include <string>
#include <taskfs/taskfs.hpp>
#include <vector>

namespace tf = taskfs;

namespace {

// Element i: 100 bytes that differ from one element to the next.
std::string element_text(std::int64_t i) {
  std::string text = std::to_string(i);
  text.resize(100, '.');
  return text;
}

}  // namespace

const auto list = tf::task("list").param("n", std::int64_t{1000}).run(TASKFS_FN([](std::int64_t n) {
  tf::List<std::string> out;
  for (std::int64_t i = 0; i < n; ++i) out.push_back(element_text(i));
  return out;
}));
const auto list_bytes =
    tf::task("list_bytes").input(list).run(TASKFS_FN([](const tf::List<std::string>& xs) {
      std::uint64_t total = 0;
      for (const auto& x : xs) total += x.size();
      return total;
    }));

const auto vector =
    tf::task("vector").param("n", std::int64_t{1000}).run(TASKFS_FN([](std::int64_t n) {
      std::vector<std::string> out;
      for (std::int64_t i = 0; i < n; ++i) out.push_back(element_text(i));
      return out;
    }));
const auto vector_bytes =
    tf::task("vector_bytes").input(vector).run(TASKFS_FN([](const std::vector<std::string>& xs) {
      std::uint64_t total = 0;
      for (const auto& x : xs) total += x.size();
      return total;
    }));
