// train: a softmax regression on the training features.
#include "pipeline.hpp"
#include "softmax.hpp"

namespace tf = taskfs;

const tf::Task<fmnist::Model> train = tf::task("train")
                                          .input(fextract_train)
                                          .param("maxiter", 100)
                                          .param("eps", 1e-4)
                                          .run(TASKFS_FN(fmnist::fit_softmax));
