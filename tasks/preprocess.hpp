// Decodes a split of the data set (an IDX image file and its IDX label file)
// image by image, and preprocesses one image.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <taskfs/collection.hpp>
#include <taskfs/value.hpp>

#include "idx_reader.hpp"
#include "records.hpp"

namespace fmnist {

// The first `subset` images of a split (all of them when subset <= 0) with
// their labels, pixels as stored (0 to 255). Each image goes to the list as it
// is read: the split is never in memory whole.
inline taskfs::List<Image> decode_images(const taskfs::File& images, const taskfs::File& labels,
                                         int subset) {
  IdxReader image_file(images.path()), label_file(labels.path());
  if (image_file.dims().size() != 3) throw std::runtime_error(images.path() + ": not images");
  if (label_file.dims().size() != 1) throw std::runtime_error(labels.path() + ": not labels");
  if (image_file.dims()[0] != label_file.dims()[0]) {
    throw std::runtime_error(images.path() + " and " + labels.path() +
                             ": different numbers of items");
  }
  std::size_t count = image_file.dims()[0];
  if (subset > 0) count = std::min(count, static_cast<std::size_t>(subset));
  taskfs::List<Image> out;
  Image image;
  image.rows = static_cast<int>(image_file.dims()[1]);
  image.cols = static_cast<int>(image_file.dims()[2]);
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < count; ++i) {
    image_file.read_item(bytes);
    image.pixels.assign(bytes.begin(), bytes.end());
    label_file.read_item(bytes);
    if (bytes[0] >= kClasses) throw std::runtime_error(labels.path() + ": label out of range");
    image.label = bytes[0];
    out.push_back(image);
  }
  return out;
}

// Scales one image in place to zero mean and unit variance, which takes out
// differences of brightness and contrast between images.
inline void standardize(std::vector<float>& pixels) {
  double sum = 0, sum_sq = 0;
  for (float p : pixels) {
    sum += p;
    sum_sq += double{p} * p;
  }
  double mean = sum / pixels.size();
  double stddev = std::sqrt(std::max(sum_sq / pixels.size() - mean * mean, 0.0));
  float scale = stddev > 1e-6 ? static_cast<float>(1 / stddev) : 1.0f;
  for (float& p : pixels) p = (p - static_cast<float>(mean)) * scale;
}

// A decoded image with pixels in [0, 1], or standardized when `normalize` is set.
inline Image preprocess_image(const Image& decoded, bool normalize) {
  Image image = decoded;
  for (float& p : image.pixels) p /= 255.0f;
  if (normalize) standardize(image.pixels);
  return image;
}

}  // namespace fmnist
