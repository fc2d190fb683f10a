// The task library the engine and CLI tests load. Its tasks are small on
// purpose: the tests count executions through the store's run log.
//
// The same file is built twice: as libengine_tasks.so, and with
// TASKFS_TEST_EDITED as libengine_tasks_edited.so, where only the body of
// `scaled` differs (as if a user had edited that one function and rebuilt).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <taskfs/taskfs.hpp>
#include <thread>
#include <vector>

namespace tf = taskfs;

namespace {

// Seconds on CLOCK_MONOTONIC, which all processes of the machine share.
double monotonic_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Waits until `path` exists (relative paths are in the project root, the
// worker's working directory). Throws after 10 s so that a broken engine
// fails a test instead of hanging it.
void wait_for_file(const std::string& path, const std::string& why) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::filesystem::exists(path)) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error(why);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// Marks this task as started, waits until `peer` has started too, and
// returns {start, end}: two such tasks only both succeed when they overlap.
std::vector<double> meet(const std::string& self, const std::string& peer) {
  double start = monotonic_seconds();
  std::ofstream(self + ".started") << "started\n";
  wait_for_file(peer + ".started", self + " timed out: " + peer + " never ran at the same time");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return {start, monotonic_seconds()};
}

}  // namespace

// A chain with params: source -> scaled -> summary.
const auto source = tf::task("source").param("n", 3).run(TASKFS_FN([](int n) {
  std::vector<int> v;
  for (int i = 1; i <= n; ++i) v.push_back(i);
  return v;
}));

// clang-format off
#ifdef TASKFS_TEST_EDITED
#define SCALED_FN TASKFS_FN([](const std::vector<int>& v, double factor) { \
  std::vector<double> out;                                                 \
  for (int x : v) out.push_back(x * factor * 10);                          \
  return out;                                                              \
})
#else
#define SCALED_FN TASKFS_FN([](const std::vector<int>& v, double factor) { \
  std::vector<double> out;                                                 \
  for (int x : v) out.push_back(x * factor);                               \
  return out;                                                              \
})
#endif
// clang-format on
const auto scaled = tf::task("scaled").input(source).param("factor", 1.0).run(SCALED_FN);

const auto summary = tf::task("summary")
                         .input(scaled)
                         .param("label", "sum")
                         .run(TASKFS_FN([](const std::vector<double>& v, const std::string& label) {
                           double total = 0;
                           for (double x : v) total += x;
                           std::ostringstream os;
                           os << label << "=" << total << "\n";
                           return os.str();
                         }));

// A fan of independent tasks and the task that joins them.
const auto fan_a = tf::task("fan_a").param("k", 1).run(TASKFS_FN([](int k) { return k; }));
const auto fan_b = tf::task("fan_b").param("k", 2).run(TASKFS_FN([](int k) { return k; }));
const auto fan_c = tf::task("fan_c").param("k", 3).run(TASKFS_FN([](int k) { return k; }));
const auto fan_in = tf::task("fan_in").input(fan_a).input(fan_b).input(fan_c).run(
    TASKFS_FN([](int a, int b, int c) { return a + b + c; }));

// Params and an input interleaved, and params of narrow integer types.
const auto mixed = tf::task("mixed").param("a", 10).input(source).param("b", "x").run(
    TASKFS_FN([](int a, const std::vector<int>& v, const std::string& b) {
      return b + std::to_string(a + static_cast<int>(v.size())) + "\n";
    }));
const auto narrow = tf::task("narrow")
                        .param("level", std::uint8_t{7})
                        .param("big", std::uint64_t{1})
                        .run(TASKFS_FN([](std::uint8_t level, std::uint64_t big) {
                          return std::to_string(level) + " " + std::to_string(big) + "\n";
                        }));

// Early cutoff: `parity` gives the same bytes for every even n.
const auto parity = tf::task("parity").param("n", 2).run(TASKFS_FN([](int n) { return n % 2; }));
const auto parity_word = tf::task("parity_word").input(parity).run(TASKFS_FN([](int p) {
  return std::string(p == 0 ? "even\n" : "odd\n");
}));

// Failures of every kind.
const auto thrower = tf::task("thrower").run(
    TASKFS_FN([]() -> int { throw std::runtime_error("thrower says no"); }));
const auto after_thrower =
    tf::task("after_thrower").input(thrower).run(TASKFS_FN([](int x) { return x + 1; }));
const auto segfaulter = tf::task("segfaulter").run(TASKFS_FN([]() -> int {
  ::raise(SIGSEGV);
  return 0;
}));
const auto aborter = tf::task("aborter").run(TASKFS_FN([]() -> int { std::abort(); }));
const auto exiter = tf::task("exiter").run(TASKFS_FN([]() -> int { ::_exit(3); }));

// Recomputed on every read; its input stays cached.
const auto stamp = tf::task("stamp").input(source).nocache().run(
    TASKFS_FN([](const std::vector<int>& v) { return static_cast<int>(v.size()); }));

// Input files: every file a glob matches, and one named file.
const auto concat =
    tf::task("concat")
        .param("files", tf::glob("data/*.txt"))
        .run(TASKFS_FN([](const tf::Files& files) {
          std::string out;
          for (const auto& path : files.paths()) {
            out += std::filesystem::path(path).filename().string() + ": " + read_text(path);
          }
          return out;
        }));
const auto file_text =
    tf::task("file_text")
        .param("path", tf::file("data/input.txt"))
        .run(TASKFS_FN([](const tf::File& file) { return read_text(file.path()); }));
// Downstream of a file: its key holds only while an upstream file is unchanged.
const auto file_lines =
    tf::task("file_lines").input(file_text).run(TASKFS_FN([](const std::string& text) {
      return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    }));

// Appends to its own input while it runs, as an editor saving mid-run would.
const auto edits_its_input =
    tf::task("edits_its_input")
        .param("path", tf::file("data/edited.txt"))
        .run(TASKFS_FN([](const tf::File& file) {
          std::string before = read_text(file.path());
          std::ofstream(file.path(), std::ios::app) << "more\n";
          return before;
        }));

// A result larger than what the store keeps inline: `size` bytes of a pattern.
const auto big = tf::task("big").param("size", 1 << 20).run(TASKFS_FN([](int size) {
  std::string out(static_cast<std::size_t>(size), '\0');
  for (int i = 0; i < size; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>('a' + i % 26);
  return out;
}));

// Reads `big`'s value, stored in a blob file: a damaged upstream for the tests.
const auto big_length =
    tf::task("big_length").input(big).param("plus", 0).run(TASKFS_FN(
        [](const std::string& bytes, int plus) { return bytes.size() + static_cast<std::size_t>(plus); }));

// Two independent tasks that succeed only when they run at the same time.
const auto slow_a = tf::task("slow_a").run(TASKFS_FN([]() { return meet("slow_a", "slow_b"); }));
const auto slow_b = tf::task("slow_b").run(TASKFS_FN([]() { return meet("slow_b", "slow_a"); }));
const auto slow_pair =
    tf::task("slow_pair")
        .input(slow_a)
        .input(slow_b)
        .run(TASKFS_FN([](const std::vector<double>& a, const std::vector<double>& b) {
          return std::vector<double>{a[0], a[1], b[0], b[1]};
        }));

// Blocks until the file `gate.open` appears in the project root.
const auto gated = tf::task("gated").run(TASKFS_FN([]() {
  wait_for_file("gate.open", "gated timed out: gate.open never appeared");
  return 42;
}));

// `gated` with an upstream result as its input: a computation that holds an
// input while it runs.
const auto gated_sum =
    tf::task("gated_sum").input(source).run(TASKFS_FN([](const std::vector<int>& v) {
      wait_for_file("gate.open", "gated_sum timed out: gate.open never appeared");
      int sum = 0;
      for (int x : v) sum += x;
      return sum;
    }));

// Wide fan-in: many tasks of one type, passed to one function as a vector, with
// an ordinary input and a param around them.
std::vector<tf::Task<int>> make_parts(int count) {
  std::vector<tf::Task<int>> parts;
  for (int i = 0; i < count; ++i) {
    parts.push_back(
        tf::task("part_" + std::to_string(i)).param("value", i).run(TASKFS_FN([](int v) {
          return v;
        })));
  }
  return parts;
}
const std::vector<tf::Task<int>> parts = make_parts(200);
const auto parts_total =
    tf::task("parts_total")
        .input(source)
        .inputs(parts)
        .param("scale", 1)
        .run(TASKFS_FN([](const std::vector<int>& head, const std::vector<int>& values, int scale) {
          long total = 0;
          for (int v : values) total += v;
          return std::to_string(head.size()) + " " + std::to_string(values.size()) + " " +
                 std::to_string(total * scale) + "\n";
        }));

// A fan-in whose leaves, ready at once, go to a worker as one batch: a leaf
// whose `crash` is set aborts its worker half way through the batch.
std::vector<tf::Task<int>> make_batch_leaves(int count) {
  std::vector<tf::Task<int>> leaves;
  for (int i = 0; i < count; ++i) {
    leaves.push_back(tf::task("leaf_" + std::to_string(i))
                         .param("value", i)
                         .param("crash", false)
                         .run(TASKFS_FN([](int v, bool crash) {
                           if (crash) std::abort();
                           return v;
                         })));
  }
  return leaves;
}
const std::vector<tf::Task<int>> batch_leaves = make_batch_leaves(10);
const auto leaves_total = tf::task("leaves_total")
                              .inputs(batch_leaves)
                              .run(TASKFS_FN([](const std::vector<int>& values) {
                                int total = 0;
                                for (int v : values) total += v;
                                return std::to_string(total) + "\n";
                              }));
