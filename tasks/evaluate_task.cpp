// evaluate: scores of the trained model on the evaluation features, one
// element at a time (only the labels and predictions are kept).
#include "metrics.hpp"
#include "pipeline.hpp"
#include "softmax.hpp"

namespace tf = taskfs;

const tf::Task<fmnist::Scores> evaluate =
    tf::task("evaluate")
        .input(train)
        .input(fextract_eval)
        .run(TASKFS_FN([](const fmnist::Model& model, const tf::List<fmnist::Features>& features) {
          std::vector<std::uint8_t> labels;
          std::vector<int> predictions;
          for (const fmnist::Features& f : features) {
            labels.push_back(f.label);
            predictions.push_back(fmnist::predict(model, f));
          }
          return fmnist::score_predictions(labels, predictions);
        }));
