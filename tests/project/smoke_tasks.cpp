#include <taskfs/taskfs.hpp>
namespace tf = taskfs;
const auto numbers = tf::task("numbers").param("n", 5).run(TASKFS_FN([](int n) {
  std::vector<int> v; for (int i = 0; i < n; ++i) v.push_back(i); return v; }));
const auto total = tf::task("total").input(numbers).param("scale", 1.0).run(TASKFS_FN([](const std::vector<int>& v, double s) {
  double t = 0; for (int x : v) t += x * s; return t; }));
const auto report = tf::task("report").input(total).nocache().run(TASKFS_FN([](double t) { return "total " + std::to_string(t) + "\n"; }));
