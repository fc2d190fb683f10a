// train: a softmax regression on the training features, read from their
// collection one element at a time.
#include "pipeline.hpp"
#include "softmax.hpp"

namespace tf = taskfs;

const tf::Task<fmnist::Model> train =
    tf::task("train")
        .input(fextract_train)
        .param("maxiter", 100)
        .param("eps", 1e-4)
        .run(TASKFS_FN([](const tf::List<fmnist::Features>& features, int maxiter, double eps) {
          return fmnist::fit_softmax(features, maxiter, eps);
        }));
