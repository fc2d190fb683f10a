// Scores of a classifier: accuracy, per-class precision and recall, confusion.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "records.hpp"

namespace fmnist {

inline Scores score_predictions(const std::vector<std::uint8_t>& labels,
                                const std::vector<int>& predictions) {
  if (labels.size() != predictions.size()) {
    throw std::invalid_argument("score_predictions: as many predictions as labels expected");
  }
  Scores s;
  s.samples = static_cast<int>(labels.size());
  s.confusion.assign(kClasses, std::vector<int>(kClasses));
  for (std::size_t i = 0; i < labels.size(); ++i) ++s.confusion[labels[i]][predictions[i]];
  int correct = 0;
  for (int c = 0; c < kClasses; ++c) {
    int true_count = 0, predicted_count = 0;
    for (int other = 0; other < kClasses; ++other) {
      true_count += s.confusion[c][other];
      predicted_count += s.confusion[other][c];
    }
    int hits = s.confusion[c][c];
    correct += hits;
    // A class never predicted (or absent) scores 0 rather than NaN.
    s.precision.push_back(predicted_count ? double(hits) / predicted_count : 0.0);
    s.recall.push_back(true_count ? double(hits) / true_count : 0.0);
  }
  s.accuracy = s.samples ? double(correct) / s.samples : 0.0;
  return s;
}

}  // namespace fmnist
