// Feature extraction: cheap, fixed features that a linear model separates
// better than raw pixels.
#pragma once

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "records.hpp"

namespace fmnist {

// Sizes of the feature blocks (see extract_features).
inline constexpr int kPoolSize = 2;
inline constexpr int kCellSize = 7;
inline constexpr int kOrientationBins = 9;

// Appends the image averaged over kPoolSize x kPoolSize blocks: its shape at a
// coarser resolution, less sensitive to small shifts.
inline void append_pooled_pixels(const float* image, int rows, int cols, std::vector<float>& out) {
  constexpr float kArea = kPoolSize * kPoolSize;
  for (int by = 0; by + kPoolSize <= rows; by += kPoolSize) {
    for (int bx = 0; bx + kPoolSize <= cols; bx += kPoolSize) {
      float sum = 0;
      for (int y = by; y < by + kPoolSize; ++y) {
        for (int x = bx; x < bx + kPoolSize; ++x) sum += image[y * cols + x];
      }
      out.push_back(sum / kArea);
    }
  }
}

// Appends, for each kCellSize x kCellSize cell, a histogram of gradient
// orientations weighted by gradient magnitude (as in HOG, without block
// overlap): where the image has edges and which way they run.
inline void append_gradient_histograms(const float* image, int rows, int cols,
                                       std::vector<float>& out) {
  auto pixel = [&](int y, int x) {
    return image[std::clamp(y, 0, rows - 1) * cols + std::clamp(x, 0, cols - 1)];
  };
  int cell_rows = rows / kCellSize, cell_cols = cols / kCellSize;
  std::vector<float> histograms(cell_rows * cell_cols * kOrientationBins);
  for (int y = 0; y < cell_rows * kCellSize; ++y) {
    for (int x = 0; x < cell_cols * kCellSize; ++x) {
      float gx = pixel(y, x + 1) - pixel(y, x - 1);
      float gy = pixel(y + 1, x) - pixel(y - 1, x);
      // Unsigned orientation in [0, pi): an edge and its reverse fall together.
      float angle = std::atan2(gy, gx);
      if (angle < 0) angle += std::numbers::pi_v<float>;
      int bin = std::min(static_cast<int>(angle / std::numbers::pi_v<float> * kOrientationBins),
                         kOrientationBins - 1);
      int cell = (y / kCellSize) * cell_cols + x / kCellSize;
      histograms[cell * kOrientationBins + bin] += std::sqrt(gx * gx + gy * gy);
    }
  }
  // Each cell's histogram to unit length, so that contrast does not matter.
  for (std::size_t at = 0; at < histograms.size(); at += kOrientationBins) {
    float norm_sq = 1e-6f;
    for (int b = 0; b < kOrientationBins; ++b) norm_sq += histograms[at + b] * histograms[at + b];
    float inv_norm = 1 / std::sqrt(norm_sq);
    for (int b = 0; b < kOrientationBins; ++b) out.push_back(histograms[at + b] * inv_norm);
  }
}

// Pooled pixels followed by gradient histograms of one image.
inline Features extract_features(const Image& image) {
  Features features;
  features.label = image.label;
  append_pooled_pixels(image.pixels.data(), image.rows, image.cols, features.values);
  append_gradient_histograms(image.pixels.data(), image.rows, image.cols, features.values);
  return features;
}

}  // namespace fmnist
