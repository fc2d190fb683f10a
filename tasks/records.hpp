// The values the demo's tasks pass to each other, and how they show in the
// mount. Algorithms live in their own headers, so that editing one of them
// changes the code fingerprint of the tasks that use it and no other.
#pragma once

#include <algorithm>
#include <array>
#include <cereal/cereal.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

namespace fmnist {

inline constexpr int kClasses = 10;

inline constexpr std::array<const char*, kClasses> kClassNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// One image, row-major, one float per pixel, with its class label: an element
// of the decode and preproc collections.
struct Image {
  int rows = 0;
  int cols = 0;
  std::vector<float> pixels;  // rows * cols
  std::uint8_t label = 0;

  template <class A>
  void serialize(A& a) {
    a(CEREAL_NVP(rows), CEREAL_NVP(cols), CEREAL_NVP(pixels), CEREAL_NVP(label));
  }
};

// The feature vector of one image and its label: an element of fextract.
struct Features {
  std::vector<float> values;
  std::uint8_t label = 0;

  template <class A>
  void serialize(A& a) {
    a(CEREAL_NVP(values), CEREAL_NVP(label));
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

// An image's file (mnt/preproc_train/default/0) is its label and the picture
// in characters, darkest to lightest pixel of that image: `cat` shows it.
inline void taskfs_render(std::ostream& os, const Image& image) {
  os << "label " << int{image.label} << " ("
     << (image.label < kClasses ? kClassNames[image.label] : "?") << ")\n";
  if (image.pixels.empty()) return;
  auto [low, high] = std::minmax_element(image.pixels.begin(), image.pixels.end());
  float range = *high > *low ? *high - *low : 1.0f;
  constexpr std::string_view kShades = " .:-=+*#%@";
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      float level = (image.pixels[y * image.cols + x] - *low) / range;
      os << kShades[std::min<std::size_t>(level * kShades.size(), kShades.size() - 1)];
    }
    os << '\n';
  }
}

}  // namespace fmnist
