// fextract_train, fextract_eval: the same features for both splits.
#include "features.hpp"
#include "pipeline.hpp"

namespace tf = taskfs;

const tf::Task<fmnist::FeatureSet> fextract_train =
    tf::task("fextract_train").input(preproc_train).run(TASKFS_FN(fmnist::extract_features));

const tf::Task<fmnist::FeatureSet> fextract_eval =
    tf::task("fextract_eval").input(preproc_eval).run(TASKFS_FN(fmnist::extract_features));
