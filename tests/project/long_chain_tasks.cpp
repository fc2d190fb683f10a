// A chain of 3000 trivial tasks, link_0 -> ... -> link_2999: longer than a
// small stack allows for one nested call per link.
#include <string>
#include <taskfs/taskfs.hpp>
#include <vector>

namespace tf = taskfs;

namespace {

constexpr int kLinks = 3000;

std::vector<tf::Task<long>> make_chain() {
  std::vector<tf::Task<long>> links;
  links.reserve(kLinks);  // a task keeps pointers to its inputs: no reallocation
  links.push_back(tf::task("link_0").run(TASKFS_FN([] { return 0L; })));
  for (int i = 1; i < kLinks; ++i) {
    links.push_back(
        tf::task("link_" + std::to_string(i)).input(links.back()).run(TASKFS_FN([](long x) {
          return x + 1;
        })));
  }
  return links;
}

}  // namespace

const std::vector<tf::Task<long>> chain = make_chain();
