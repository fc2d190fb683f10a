// Runs a libFuzzer harness over its committed seed corpus without libFuzzer,
// so every build (gcc included) compiles the harnesses and checks their
// properties on the seeds: a harness that no longer builds, or a seed that now
// violates a property, fails the ordinary test suite, not just the fuzz run.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string seed{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size());
    ++replayed;
  }
  std::printf("replayed %d seeds from %s\n", replayed, argv[1]);
  return replayed > 0 ? 0 : 1;
}
