// Thumbnails: shrinking an image to fit a box, and tiling thumbnails on a sheet.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "pgm.hpp"

// The image shrunk so that its longer side is `size` pixels (never enlarged),
// each pixel the average of the source pixels it covers.
inline Image fit_within(const Image& image, int size) {
  if (size < 1) throw std::invalid_argument("size must be at least 1");
  int longer = std::max(image.width, image.height);
  if (size >= longer) return image;
  Image out;
  out.width = std::max(1, static_cast<int>(std::lround(double(image.width) * size / longer)));
  out.height = std::max(1, static_cast<int>(std::lround(double(image.height) * size / longer)));
  for (int oy = 0; oy < out.height; ++oy) {
    int y0 = oy * image.height / out.height;
    int y1 = std::max(y0 + 1, (oy + 1) * image.height / out.height);
    for (int ox = 0; ox < out.width; ++ox) {
      int x0 = ox * image.width / out.width;
      int x1 = std::max(x0 + 1, (ox + 1) * image.width / out.width);
      int sum = 0;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) sum += image.at(x, y);
      }
      out.pixels.push_back(static_cast<std::uint8_t>(sum / ((y1 - y0) * (x1 - x0))));
    }
  }
  return out;
}

// The images as thumbnails on a grid of `columns` columns, each centred in a
// size x size cell, with a gap around cells.
inline Image tile_thumbnails(const std::vector<Image>& images, int size, int columns) {
  constexpr int kGap = 4;
  constexpr std::uint8_t kBackground = 96;
  if (columns < 1) throw std::invalid_argument("columns must be at least 1");
  int rows = (static_cast<int>(images.size()) + columns - 1) / columns;
  Image sheet;
  sheet.width = columns * (size + kGap) + kGap;
  sheet.height = rows * (size + kGap) + kGap;
  sheet.pixels.assign(static_cast<std::size_t>(sheet.width) * sheet.height, kBackground);
  for (std::size_t i = 0; i < images.size(); ++i) {
    Image thumb = fit_within(images[i], size);
    int left = kGap + static_cast<int>(i % columns) * (size + kGap) + (size - thumb.width) / 2;
    int top = kGap + static_cast<int>(i / columns) * (size + kGap) + (size - thumb.height) / 2;
    for (int y = 0; y < thumb.height; ++y) {
      std::copy_n(&thumb.pixels[y * thumb.width], thumb.width,
                  &sheet.pixels[(top + y) * sheet.width + left]);
    }
  }
  return sheet;
}
