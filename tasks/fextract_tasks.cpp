// fextract_train, fextract_eval: the same features for both splits, one run
// per preprocessed image.
#include "features.hpp"
#include "pipeline.hpp"

namespace tf = taskfs;

const tf::Task<tf::List<fmnist::Features>> fextract_train =
    tf::task("fextract_train").each(preproc_train).run(TASKFS_FN(fmnist::extract_features));

const tf::Task<tf::List<fmnist::Features>> fextract_eval =
    tf::task("fextract_eval").each(preproc_eval).run(TASKFS_FN(fmnist::extract_features));
