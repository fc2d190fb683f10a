// evaluate: scores of the trained model on the evaluation features.
#include "metrics.hpp"
#include "pipeline.hpp"
#include "softmax.hpp"

namespace tf = taskfs;

const tf::Task<fmnist::Scores> evaluate =
    tf::task("evaluate")
        .input(train)
        .input(fextract_eval)
        .run(TASKFS_FN([](const fmnist::Model& model, const fmnist::FeatureSet& features) {
          return fmnist::score_predictions(features.labels, fmnist::predict(model, features));
        }));
