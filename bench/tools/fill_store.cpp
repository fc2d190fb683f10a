// bench_fill_store STORE COUNT BYTES
//
// Fills the store in STORE with COUNT cached results of BYTES bytes each (all
// different, task "fill", variants i:0 ... i:COUNT-1), stored one after the
// other as a worker stores them: the store the gc figure evicts from.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/store.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bench_fill_store STORE COUNT BYTES\n");
    return 2;
  }
  taskfs::Store store(argv[1]);
  long count = std::atol(argv[2]);
  auto bytes = static_cast<std::size_t>(std::atol(argv[3]));
  taskfs::FileView view;
  view.is_value_suffix = true;  // the file is the value itself, as for a string
  for (long i = 0; i < count; ++i) {
    std::string variant = "i:" + std::to_string(i);
    std::string value = variant + std::string(bytes, '.');
    value.resize(bytes);
    taskfs::NewResult result{taskfs::hash_bytes("fill/" + variant),
                             "fill",
                             variant,
                             true,
                             {{"param", "i", std::to_string(i)}},
                             1.0e9 + static_cast<double>(i),
                             0.001};
    store.put_result(result, value, view);
  }
  return 0;
}
