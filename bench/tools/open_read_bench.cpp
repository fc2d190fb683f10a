// bench_open_read [BENCHMARK FLAGS] LABEL=PATH...
//
// Google Benchmark of open+read+close of a whole small file, in-process, once a
// benchmark per LABEL=PATH. Each call is timed on its own so that the per-call
// median and 99th percentile come out as the counters p50_us and p99_us.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

constexpr int kIterations = 5000;

void open_read_close(benchmark::State& state, const std::string& path) {
  std::vector<double> samples;
  samples.reserve(kIterations);
  static char buffer[1 << 16];
  std::size_t total = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      state.SkipWithError(("cannot open " + path).c_str());
      return;
    }
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) total += n;
    ::close(fd);
    samples.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(samples.begin(), samples.end());
  auto at = [&](double p) {
    return samples[static_cast<std::size_t>(p * static_cast<double>(samples.size() - 1))];
  };
  state.counters["p50_us"] = at(0.5);
  state.counters["p99_us"] = at(0.99);
  state.SetBytesProcessed(static_cast<int64_t>(total));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_open_read [BENCHMARK FLAGS] LABEL=PATH...\n");
    return 2;
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "bench_open_read: expected LABEL=PATH, got %s\n", argv[i]);
      return 2;
    }
    benchmark::RegisterBenchmark(("open_read_close/" + arg.substr(0, eq)).c_str(), open_read_close,
                                 arg.substr(eq + 1))
        ->Iterations(kIterations)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
