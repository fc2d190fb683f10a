// The human-readable report of a trained model and its scores.
#pragma once

#include <cstdio>
#include <string>

#include "records.hpp"

namespace fmnist {

// printf into a std::string, for the report's aligned columns.
template <class... Args>
std::string format(const char* pattern, Args... args) {
  char line[256];
  std::snprintf(line, sizeof line, pattern, args...);
  return line;
}

inline std::string format_report(const Model& model, const Scores& scores) {
  std::string r = "Fashion-MNIST: softmax regression on pooled pixels and gradient histograms\n\n";
  r += format("training:   %zu steps (%s), final loss %.4f\n", model.loss.size() - 1,
              model.converged ? "converged" : "stopped at maxiter", model.loss.back());
  r += format("evaluation: %d images\n", scores.samples);
  r += format("accuracy:   %.4f\n\n", scores.accuracy);
  r += "class             precision  recall\n";
  for (int c = 0; c < kClasses; ++c) {
    r += format("%d  %-13s  %9.3f  %6.3f\n", c, kClassNames[c], scores.precision[c],
                scores.recall[c]);
  }
  r += "\nconfusion matrix (rows: true class, columns: predicted class)\n      ";
  for (int c = 0; c < kClasses; ++c) r += format("%5d", c);
  r += "\n";
  for (int t = 0; t < kClasses; ++t) {
    r += format("%5d ", t);
    for (int c = 0; c < kClasses; ++c) r += format("%5d", scores.confusion[t][c]);
    r += "\n";
  }
  return r;
}

}  // namespace fmnist
