// The scheduling figure's graph: leaf_0..leaf_999 each give their index, and
// sum adds all 1000 of them (one .inputs() argument). bench/fanin.mk is the
// same graph for GNU make.
#include <string>
#include <taskfs/taskfs.hpp>
#include <vector>

namespace tf = taskfs;

namespace {

constexpr int kLeaves = 1000;

std::vector<tf::Task<long>> make_leaves() {
  std::vector<tf::Task<long>> leaves;
  for (int i = 0; i < kLeaves; ++i) {
    leaves.push_back(tf::task("leaf_" + std::to_string(i)).param("i", i).run(TASKFS_FN([](int i) {
      return long{i};
    })));
  }
  return leaves;
}

}  // namespace

const std::vector<tf::Task<long>> leaves = make_leaves();
const auto sum = tf::task("sum").inputs(leaves).run(TASKFS_FN([](const std::vector<long>& xs) {
  long total = 0;
  for (long x : xs) total += x;
  return total;
}));
