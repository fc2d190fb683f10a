// Decodes a split of the data set (an IDX image file and its IDX label file)
// into float pixels.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <taskfs/value.hpp>

#include "idx_reader.hpp"
#include "records.hpp"

namespace fmnist {

// Scales one image in place to zero mean and unit variance, which takes out
// differences of brightness and contrast between images.
inline void standardize(float* pixels, std::size_t size) {
  double sum = 0, sum_sq = 0;
  for (std::size_t i = 0; i < size; ++i) {
    sum += pixels[i];
    sum_sq += double{pixels[i]} * pixels[i];
  }
  double mean = sum / size;
  double stddev = std::sqrt(std::max(sum_sq / size - mean * mean, 0.0));
  float scale = stddev > 1e-6 ? static_cast<float>(1 / stddev) : 1.0f;
  for (std::size_t i = 0; i < size; ++i) pixels[i] = (pixels[i] - static_cast<float>(mean)) * scale;
}

// The first `subset` images (all of them when subset <= 0), pixels in [0, 1],
// or standardized per image when `normalize` is set.
inline ImageSet load_image_set(const taskfs::File& images, const taskfs::File& labels,
                               bool normalize, int subset) {
  std::size_t limit = subset > 0 ? static_cast<std::size_t>(subset) : 0;
  IdxArray image_array = read_idx_ubyte(images.path(), limit);
  IdxArray label_array = read_idx_ubyte(labels.path(), limit);
  if (image_array.dims.size() != 3) throw std::runtime_error(images.path() + ": not images");
  if (label_array.dims.size() != 1) throw std::runtime_error(labels.path() + ": not labels");
  if (image_array.dims[0] != label_array.dims[0]) {
    throw std::runtime_error(images.path() + " and " + labels.path() +
                             ": different numbers of items");
  }
  ImageSet set;
  set.rows = static_cast<int>(image_array.dims[1]);
  set.cols = static_cast<int>(image_array.dims[2]);
  set.pixels.assign(image_array.data.begin(), image_array.data.end());
  for (float& p : set.pixels) p /= 255.0f;
  if (normalize) {
    std::size_t image_size = image_array.item_size();
    for (std::size_t at = 0; at < set.pixels.size(); at += image_size) {
      standardize(&set.pixels[at], image_size);
    }
  }
  set.labels = std::move(label_array.data);
  for (std::uint8_t label : set.labels) {
    if (label >= kClasses) throw std::runtime_error(labels.path() + ": label out of range");
  }
  return set;
}

}  // namespace fmnist
