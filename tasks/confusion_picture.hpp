// The confusion matrix as a picture: one square a (true, predicted) class
// pair, darker the larger the share of the true class it holds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "png.hpp"
#include "records.hpp"

namespace fmnist {

inline constexpr int kCellPixels = 24;
inline constexpr int kGridPixels = 1;

// The color of a share in [0, 1]: white for none, through blue; wrong
// predictions in red, so that a confused pair stands out from the diagonal.
inline void share_color(double share, bool correct, std::uint8_t* rgb) {
  auto shade = [&](int full) { return static_cast<std::uint8_t>(255 - share * (255 - full)); };
  if (correct) {
    rgb[0] = shade(8), rgb[1] = shade(48), rgb[2] = shade(107);
  } else {
    // Errors are rarer: a share of 0.25 already shows at full strength.
    share = std::min(1.0, share * 4);
    rgb[0] = shade(165), rgb[1] = shade(15), rgb[2] = shade(21);
  }
}

// rows: true class, top to bottom; columns: predicted class, left to right.
inline std::string confusion_png(const Scores& scores) {
  const int side = kClasses * (kCellPixels + kGridPixels) + kGridPixels;
  std::vector<std::uint8_t> rgb(std::size_t(side) * side * 3, 160);  // grid lines in gray
  for (int t = 0; t < kClasses; ++t) {
    int row_total = 0;
    for (int p = 0; p < kClasses; ++p) row_total += scores.confusion.at(t).at(p);
    for (int p = 0; p < kClasses; ++p) {
      double share = row_total ? double(scores.confusion[t][p]) / row_total : 0.0;
      std::uint8_t color[3];
      share_color(share, t == p, color);
      int top = kGridPixels + t * (kCellPixels + kGridPixels);
      int left = kGridPixels + p * (kCellPixels + kGridPixels);
      for (int y = top; y < top + kCellPixels; ++y) {
        for (int x = left; x < left + kCellPixels; ++x) {
          std::copy(color, color + 3, rgb.begin() + (std::size_t(y) * side + x) * 3);
        }
      }
    }
  }
  return encode_png(side, side, rgb);
}

}  // namespace fmnist
