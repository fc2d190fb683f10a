// A CPU-bound busy loop, shared by the spin tasks and the bench_spin program
// that measures what two such loops take on this machine without taskfs.
#pragma once

#include <ctime>

namespace bench {

inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Busy-loops for `seconds` of this thread's CPU time; the result depends on the work.
inline double spin(double seconds) {
  const double end = thread_cpu_seconds() + seconds;
  double x = 0;
  while (thread_cpu_seconds() < end) {
    for (int i = 0; i < 10000; ++i) x = x * 0.999999 + 1.0;
  }
  return x;
}

}  // namespace bench
