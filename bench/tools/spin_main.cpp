// bench_spin SECONDS: burns SECONDS of CPU time in the loop the spin tasks use,
// outside taskfs: two of them at once show what 2 cores give right now.
#include <cstdio>
#include <cstdlib>

#include "spin.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_spin SECONDS\n");
    return 2;
  }
  return bench::spin(std::atof(argv[1])) > 0 ? 0 : 1;
}
