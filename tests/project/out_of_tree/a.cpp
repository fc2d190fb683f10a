// Two tasks and a helper in one file; out_of_tree_test.sh edits this file.
#include "a.hpp"

namespace tf = taskfs;

namespace {
// Not used by any task: editing it changes the file's fingerprint only.
int helper() { return 1; }
}  // namespace

extern const taskfs::Task<std::string> greeting =
    tf::task("greeting").param("who", "world").run(TASKFS_FN([](const std::string& who) {
      return "hello, " + who + "\n";
    }));

const auto count = tf::task("count").param("n", 3).run(TASKFS_FN([](int n) { return n * 2; }));

int unused() { return helper(); }
