// CPU-bound tasks for the parallelism figure: each burns a given amount of its
// own CPU time, so the ideal wall time on 2 cores is known.
#include <string>
#include <taskfs/taskfs.hpp>

#include "spin.hpp"

namespace tf = taskfs;

namespace {

tf::Task<double> spinner(std::string name, double seconds) {
  return tf::task(std::move(name)).param("seconds", seconds).run(TASKFS_FN([](double s) {
    return bench::spin(s);
  }));
}

}  // namespace

// Two independent 1 s tasks and a result that needs both.
const auto spin_a = spinner("spin_a", 1.0);
const auto spin_b = spinner("spin_b", 1.0);
const auto pair = tf::task("pair").input(spin_a).input(spin_b).run(
    TASKFS_FN([](double a, double b) { return a + b; }));

// A wide DAG: eight independent 0.25 s tasks and a result that needs them all.
const auto wide_0 = spinner("wide_0", 0.25);
const auto wide_1 = spinner("wide_1", 0.25);
const auto wide_2 = spinner("wide_2", 0.25);
const auto wide_3 = spinner("wide_3", 0.25);
const auto wide_4 = spinner("wide_4", 0.25);
const auto wide_5 = spinner("wide_5", 0.25);
const auto wide_6 = spinner("wide_6", 0.25);
const auto wide_7 = spinner("wide_7", 0.25);
const auto wide = tf::task("wide")
                      .input(wide_0)
                      .input(wide_1)
                      .input(wide_2)
                      .input(wide_3)
                      .input(wide_4)
                      .input(wide_5)
                      .input(wide_6)
                      .input(wide_7)
                      .run(TASKFS_FN([](const auto&... x) { return (0.0 + ... + x); }));
