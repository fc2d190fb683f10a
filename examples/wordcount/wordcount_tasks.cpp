// The wordcount example's tasks: counts over the text files under data/, the
// top k words, the number of words, a summary and the word lengths.
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

const auto summary = tf::task("summary").input(counts).run(TASKFS_FN(summarize));

const auto lengths = tf::task("lengths").input(counts).run(TASKFS_FN(length_histogram));
