// The values the demo's tasks pass to each other, and how the large ones show
// in the mount. Algorithms live in their own headers, so that editing one of
// them changes the code fingerprint of the tasks that use it and no other.
#pragma once

#include <cereal/cereal.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <ostream>
#include <vector>

namespace fmnist {

inline constexpr int kClasses = 10;

// Images of one size, row-major, one float per pixel, with their class labels.
struct ImageSet {
  int rows = 0;
  int cols = 0;
  std::vector<float> pixels;  // labels.size() * rows * cols
  std::vector<std::uint8_t> labels;

  template <class A>
  void serialize(A& a) {
    a(CEREAL_NVP(rows), CEREAL_NVP(cols), CEREAL_NVP(pixels), CEREAL_NVP(labels));
  }
};

// One feature vector per image (row-major, `dim` floats each) and its label.
struct FeatureSet {
  int dim = 0;
  std::vector<float> values;  // labels.size() * dim
  std::vector<std::uint8_t> labels;

  template <class A>
  void serialize(A& a) {
    a(CEREAL_NVP(dim), CEREAL_NVP(values), CEREAL_NVP(labels));
  }
};

// A softmax regression over standardized features.
struct Model {
  int dim = 0;
  // Standardization learned on the training set: z = (x - mean) * inv_std.
  std::vector<float> mean;
  std::vector<float> inv_std;
  // dim + 1 rows (the last one is the bias) of kClasses weights.
  std::vector<float> weights;
  // The mean cross-entropy on the training set before the first step and
  // after each step.
  std::vector<double> loss;
  bool converged = false;

  template <class A>
  void serialize(A& a) {
    a(CEREAL_NVP(dim), CEREAL_NVP(mean), CEREAL_NVP(inv_std), CEREAL_NVP(weights), CEREAL_NVP(loss),
      CEREAL_NVP(converged));
  }
};

// How well predictions match the true labels.
struct Scores {
  int samples = 0;
  double accuracy = 0;
  std::vector<double> precision;  // per class
  std::vector<double> recall;     // per class
  // confusion[true class][predicted class]: number of samples.
  std::vector<std::vector<int>> confusion;

  template <class A>
  void serialize(A& a) {
    a(CEREAL_NVP(samples), CEREAL_NVP(accuracy), CEREAL_NVP(precision), CEREAL_NVP(recall),
      CEREAL_NVP(confusion));
  }
};

// Per class, how many of `labels` have it, as a JSON array.
inline void write_label_counts(std::ostream& os, const std::vector<std::uint8_t>& labels) {
  std::vector<int> counts(kClasses);
  for (std::uint8_t label : labels) ++counts.at(label);
  os << '[';
  for (int c = 0; c < kClasses; ++c) os << (c ? "," : "") << counts[c];
  os << ']';
}

// Image and feature sets are megabytes of floats: their files show a one-line
// JSON summary instead.
inline void taskfs_render(std::ostream& os, const ImageSet& set) {
  os << R"({"images":)" << set.labels.size() << R"(,"rows":)" << set.rows << R"(,"cols":)"
     << set.cols << R"(,"label_counts":)";
  write_label_counts(os, set.labels);
  os << "}\n";
}

inline void taskfs_render(std::ostream& os, const FeatureSet& set) {
  os << R"({"samples":)" << set.labels.size() << R"(,"dim":)" << set.dim << R"(,"label_counts":)";
  write_label_counts(os, set.labels);
  os << "}\n";
}

}  // namespace fmnist
