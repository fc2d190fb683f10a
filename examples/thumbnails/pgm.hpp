// Grayscale images and the PGM format (Netpbm): read plain (P2) and binary (P5)
// files, write binary ones, which every image viewer opens.
#pragma once

#include <cereal/types/vector.hpp>
#include <cstdint>
#include <fstream>
#include <istream>
#include <iterator>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, 0 black .. 255 white

  std::uint8_t at(int x, int y) const { return pixels[y * width + x]; }

  template <class A>
  void serialize(A& a) {
    a(CEREAL_NVP(width), CEREAL_NVP(height), CEREAL_NVP(pixels));
  }
};

// The next header number, skipping whitespace and # comments.
inline int read_pgm_number(std::istream& in, const std::string& path) {
  while (in >> std::ws && in.peek() == '#') in.ignore(1 << 20, '\n');
  int n = -1;
  if (!(in >> n) || n < 0) throw std::runtime_error(path + ": bad PGM header");
  return n;
}

inline Image read_pgm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::string magic(2, '\0');
  in.read(magic.data(), 2);
  if (magic != "P2" && magic != "P5") throw std::runtime_error(path + ": not a PGM file");
  Image image;
  image.width = read_pgm_number(in, path);
  image.height = read_pgm_number(in, path);
  int maxval = read_pgm_number(in, path);
  if (maxval < 1 || maxval > 255) throw std::runtime_error(path + ": only 8-bit PGM is read");
  std::size_t size = static_cast<std::size_t>(image.width) * image.height;
  if (magic == "P5") {
    in.get();  // the single whitespace byte before the pixels
    image.pixels.resize(size);
    in.read(reinterpret_cast<char*>(image.pixels.data()), static_cast<std::streamsize>(size));
  } else {
    for (int value; image.pixels.size() < size && in >> value;) {
      image.pixels.push_back(static_cast<std::uint8_t>(value));
    }
  }
  if (!in || image.pixels.size() != size) throw std::runtime_error(path + ": truncated PGM");
  if (maxval != 255) {
    for (auto& p : image.pixels) p = static_cast<std::uint8_t>(p * 255 / maxval);
  }
  return image;
}

inline std::string to_pgm(const Image& image) {
  std::string header =
      "P5\n" + std::to_string(image.width) + " " + std::to_string(image.height) + "\n255\n";
  return header + std::string(image.pixels.begin(), image.pixels.end());
}

// A decoded image's file in the mount is a PGM file too.
inline void taskfs_render(std::ostream& os, const Image& image) { os << to_pgm(image); }
