// The task library the filesystem tests mount.
//
// The same file is built twice: as libfs_tasks.so and, with FS_TASKS_EDITED, as
// libfs_tasks_edited.so, where only the body of `numbers` differs (as if a user
// had edited that one function and rebuilt).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <taskfs/taskfs.hpp>
#include <thread>
#include <vector>

#include "big_text.hpp"

namespace tf = taskfs;

namespace {

std::string format_number(double x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

std::vector<std::string> words_of(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
}

// Waits until the file `gate` exists (relative to the project root, the
// worker's working directory); throws after 20 s so that a broken test ends.
void wait_for_gate(const std::string& gate) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!std::filesystem::exists(gate)) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("gate never opened");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// A large result that is stored as cereal writes it (never whole in memory):
// `mb` pieces of 1 MiB, then, when `gate` is set, a wait for that file, then
// a throw when `fail`: a serialization stopped half way, its first bytes
// already on their way to the store.
struct HalfWritten {
  int mb = 0;
  std::string gate;
  bool fail = false;

  template <class Archive>
  void save(Archive& ar) const {
    const std::string piece(fs_tasks::kMiB, 'h');
    for (int i = 0; i < mb; ++i) ar(piece);
    if (!gate.empty()) wait_for_gate(gate);
    if (fail)
      throw std::runtime_error("halfway: serializing the result failed after " +
                               std::to_string(mb) + " MiB");
  }
  template <class Archive>
  void load(Archive& ar) {
    std::string piece;
    for (int i = 0; i < mb; ++i) ar(piece);
  }
};
// Its file view says how much it holds (the JSON view would serialize it).
void taskfs_render(std::ostream& os, const HalfWritten& h) { os << h.mb << " MiB\n"; }

}  // namespace

// A chain with params: numbers -> total -> report (recomputed on every read).
#ifdef FS_TASKS_EDITED
#define NUMBERS_FN                                    \
  TASKFS_FN([](int n) {                               \
    std::vector<int> v;                               \
    for (int i = 1; i <= n; ++i) v.push_back(i * 10); \
    return v;                                         \
  })
#else
#define NUMBERS_FN                               \
  TASKFS_FN([](int n) {                          \
    std::vector<int> v;                          \
    for (int i = 1; i <= n; ++i) v.push_back(i); \
    return v;                                    \
  })
#endif
const auto numbers = tf::task("numbers").param("n", 5).run(NUMBERS_FN);

const auto total = tf::task("total")
                       .input(numbers)
                       .param("scale", 1.0)
                       .run(TASKFS_FN([](const std::vector<int>& v, double scale) {
                         double sum = 0;
                         for (int x : v) sum += x * scale;
                         return sum;
                       }));

const auto report = tf::task("report")
                        .input(total)
                        .param("title", std::string("total"))
                        .nocache()
                        .run(TASKFS_FN([](double sum, const std::string& title) {
                          return title + ": " + format_number(sum) + "\n";
                        }));

// Results of other types read as JSON: one object, and one object a line.
struct Stats {
  int count = 0;
  double mean = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(cereal::make_nvp("count", count), cereal::make_nvp("mean", mean));
  }
};

Stats stats_of(const std::vector<int>& v, std::size_t count) {
  double sum = 0;
  for (std::size_t i = 0; i < count; ++i) sum += v[i];
  return {static_cast<int>(count), count == 0 ? 0.0 : sum / static_cast<double>(count)};
}

const auto stats = tf::task("stats").input(numbers).run(
    TASKFS_FN([](const std::vector<int>& v) { return stats_of(v, v.size()); }));
const auto prefixes =
    tf::task("prefixes").input(numbers).run(TASKFS_FN([](const std::vector<int>& v) {
      std::vector<Stats> out;
      for (std::size_t count = 1; count <= v.size(); ++count) out.push_back(stats_of(v, count));
      return out;
    }));

// Sleeps `ms` milliseconds, then, when `gate` is set, waits for that file: the
// tests open the gate to decide when the computation ends.
const auto slow = tf::task("slow")
                      .param("ms", 0)
                      .param("gate", std::string())
                      .run(TASKFS_FN([](int ms, const std::string& gate) {
                        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
                        if (!gate.empty()) wait_for_gate(gate);
                        return "slept " + std::to_string(ms) + " ms, gate '" + gate + "'\n";
                      }));

// Prints `lines` numbered lines on stdout and one on stderr, then waits for
// `gate` when set, then crashes when `crash`: what the task log tests read.
const auto chatty = tf::task("chatty")
                        .param("lines", 3)
                        .param("gate", std::string())
                        .param("crash", false)
                        .run(TASKFS_FN([](int lines, const std::string& gate, bool crash) {
                          for (int i = 1; i <= lines; ++i) std::printf("line %d of %d\n", i, lines);
                          std::fputs("chatty: done printing\n", stderr);
                          if (!gate.empty()) wait_for_gate(gate);
                          if (crash) ::raise(SIGSEGV);
                          return lines;
                        }));

// A fan-in of tasks that each print a line, ready at once: with one worker
// they go to it as one batch, and each run's log holds its own line only. A
// talker whose `crash` is set crashes once it has printed its line.
std::vector<tf::Task<int>> make_talkers(int count) {
  std::vector<tf::Task<int>> talkers;
  for (int i = 0; i < count; ++i) {
    talkers.push_back(tf::task("talker_" + std::to_string(i))
                          .param("i", i)
                          .param("crash", false)
                          .run(TASKFS_FN([](int i, bool crash) {
                            std::printf("talker %d\n", i);
                            if (crash) ::raise(SIGSEGV);
                            return i;
                          })));
  }
  return talkers;
}
const std::vector<tf::Task<int>> talkers = make_talkers(6);
const auto talk = tf::task("talk").inputs(talkers).run(TASKFS_FN([](const std::vector<int>& is) {
  int total = 0;
  for (int i : is) total += i;
  return total;
}));

// Failures: a task that crashes its worker, and one that throws. With `fork`,
// the crash comes after forking a child that would never end on its own, and
// that holds the worker's pipes: its pid goes to forked.pid.
const auto crash = tf::task("crash").param("fork", false).run(TASKFS_FN([](bool fork) -> int {
  if (fork) {
    pid_t child = ::fork();
    if (child == 0) {
      for (;;) ::pause();
    }
    std::ofstream("forked.pid") << child << "\n";
  }
  ::raise(SIGSEGV);
  return 0;
}));
// Never ends on its own: its timeout stops it (and taskfs cancel could).
const auto hang = tf::task("hang").timeout(1).run(TASKFS_FN([]() -> int {
  for (;;) ::pause();
}));
const auto fail = tf::task("fail").run(TASKFS_FN(
    []() -> int { throw std::runtime_error("fail: the deliberate failure of the fs tests"); }));

// A large result: `mb` MiB of numbered lines.
const auto big = tf::task("big").param("mb", 1).run(TASKFS_FN(
    [](int mb) { return fs_tasks::big_text(static_cast<std::size_t>(mb) * fs_tasks::kMiB); }));

const auto halfway = tf::task("halfway")
                         .param("mb", 4)
                         .param("gate", std::string())
                         .param("fail", true)
                         .run(TASKFS_FN([](int mb, const std::string& gate, bool fail) {
                           return HalfWritten{mb, gate, fail};
                         }));

// Input files: the words of one named file, and the names of the files a glob matches.
const auto words = tf::task("words")
                       .param("text", tf::file("data/words.txt"))
                       .run(TASKFS_FN([](const tf::File& text) { return words_of(text.path()); }));
const auto listing = tf::task("listing")
                         .param("files", tf::glob("data/*.txt"))
                         .run(TASKFS_FN([](const tf::Files& files) {
                           std::vector<std::string> names;
                           for (const auto& path : files.paths()) {
                             names.push_back(std::filesystem::path(path).filename().string());
                           }
                           return names;
                         }));
