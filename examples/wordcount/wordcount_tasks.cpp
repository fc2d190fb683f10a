// The wordcount example's tasks: counts over the text files under data/, the
// top k words, and the number of words.
#include <taskfs/taskfs.hpp>

#include "words.hpp"

namespace tf = taskfs;

const auto counts = tf::task("counts")
                        .param("files", tf::glob("data/*.txt"))
                        .param("lowercase", true)
                        .run(TASKFS_FN([](const tf::Files& files, bool lowercase) {
                          return count_words(files.paths(), lowercase);
                        }));

const auto topk = tf::task("topk").input(counts).param("k", 10).run(TASKFS_FN(top_words));

const auto total = tf::task("total").input(counts).run(TASKFS_FN(total_words));
