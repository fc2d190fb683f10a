// A task library that takes as long to load as a test wants: its static
// initializer (run in the worker that loads it) creates $TASKFS_TEST_LOAD_GATE
// ".waiting", then waits, bounded, until $TASKFS_TEST_LOAD_GATE exists.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <taskfs/taskfs.hpp>

namespace tf = taskfs;

namespace {

struct LoadGate {
  LoadGate() {
    const char* gate = std::getenv("TASKFS_TEST_LOAD_GATE");
    if (gate == nullptr) return;
    std::ofstream(std::string(gate) + ".waiting") << "loading\n";
    // Polls the gate; gives up after 30 s so that a failing test still ends.
    for (int i = 0; i < 3000 && !std::filesystem::exists(gate); ++i) ::usleep(10'000);
  }
} gate;

}  // namespace

const auto answer = tf::task("answer").run(TASKFS_FN([] { return 42; }));
