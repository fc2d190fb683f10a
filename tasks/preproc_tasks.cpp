// preproc_train, preproc_eval: each decoded image scaled to [0, 1] (and
// standardized when `normalize` is set), one run per image: a new image runs
// alone, the others stay cached.
#include "pipeline.hpp"
#include "preprocess.hpp"

namespace tf = taskfs;

const tf::Task<tf::List<fmnist::Image>> preproc_train =
    tf::task("preproc_train")
        .each(decode_train)
        .param("normalize", false)
        .run(TASKFS_FN(fmnist::preprocess_image));

const tf::Task<tf::List<fmnist::Image>> preproc_eval =
    tf::task("preproc_eval")
        .each(decode_eval)
        .param("normalize", false)
        .run(TASKFS_FN(fmnist::preprocess_image));
