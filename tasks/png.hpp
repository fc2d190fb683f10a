// PNG encoding with libpng's simplified API: pictures as task results, raw
// bytes that an image viewer opens straight from the mount.
#pragma once

#include <png.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fmnist {

// The PNG file of an 8-bit RGB image, `rgb` row-major (width * height * 3).
inline std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgb) {
  if (width <= 0 || height <= 0 || rgb.size() != std::size_t(width) * height * 3) {
    throw std::invalid_argument("encode_png: width * height * 3 bytes expected");
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_RGB;
  // The first call measures, the second writes.
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, rgb.data(), 0, nullptr)) {
    throw std::runtime_error(std::string("encode_png: ") + image.message);
  }
  std::string png(size, '\0');
  if (!png_image_write_to_memory(&image, png.data(), &size, 0, rgb.data(), 0, nullptr)) {
    throw std::runtime_error(std::string("encode_png: ") + image.message);
  }
  png.resize(size);
  return png;
}

}  // namespace fmnist
