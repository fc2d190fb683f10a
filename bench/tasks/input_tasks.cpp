// Tasks over input files, for the re-checking figure. Paths are relative to the
// project root (the directory taskfs runs in).
#include <string>
#include <taskfs/taskfs.hpp>

namespace tf = taskfs;

// Many small files: their count.
const auto many_files = tf::task("many_files")
                            .param("files", tf::glob("inputs/*.txt"))
                            .run(TASKFS_FN([](const tf::Files& f) { return f.paths().size(); }));

// One large file: the task does not read it, so its time is the engine's hashing.
const auto big_file =
    tf::task("big_file").param("file", tf::file("big.bin")).run(TASKFS_FN([](const tf::File& f) {
      return f.path();
    }));

// No inputs: the fixed cost of a cold run, subtracted from big_file's.
const auto trivial = tf::task("trivial").run(TASKFS_FN([] { return 0; }));
