// The fixed-cost figure's graph: a chain of four trivial steps, step1 holding
// the one param (n). The Makefile bench/CMakeLists.txt writes is the same
// chain for GNU make, n in a file.
#include <taskfs/taskfs.hpp>

namespace tf = taskfs;

const auto step1 = tf::task("step1").param("n", 1).run(TASKFS_FN([](int n) { return long{n}; }));
const auto step2 = tf::task("step2").input(step1).run(TASKFS_FN([](long x) { return x + 1; }));
const auto step3 = tf::task("step3").input(step2).run(TASKFS_FN([](long x) { return x + 1; }));
const auto step4 = tf::task("step4").input(step3).run(TASKFS_FN([](long x) { return x + 1; }));
