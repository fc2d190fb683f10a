// spawn_timer RUNS CMD [ARG...] [-- CMD [ARG...]]...
//
// Times whole processes: posix_spawn and waitpid of each command, RUNS times,
// the commands interleaved (A B A B ...) so that changing machine load hits them
// alike, after one untimed warm-up run each. Standard output goes to /dev/null.
// Prints one line per command, in microseconds: "median p90 p99 min".
// Exits 1 if a run fails.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace {

using Command = std::vector<char*>;  // argv, null-terminated

double now_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) * 1e-3;
}

// Runs the command once and returns its wall time; throws if it does not exit 0.
double time_once(const Command& command, const posix_spawn_file_actions_t& actions) {
  double start = now_us();
  pid_t pid = -1;
  if (posix_spawnp(&pid, command[0], &actions, nullptr, command.data(), environ) != 0) {
    throw std::runtime_error(std::string("cannot start ") + command[0]);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  double elapsed = now_us() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(std::string(command[0]) + " failed");
  }
  return elapsed;
}

double percentile(const std::vector<double>& sorted, double p) {
  auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

std::vector<Command> parse_commands(int argc, char** argv) {
  std::vector<Command> commands(1);
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      commands.emplace_back();
    } else {
      commands.back().push_back(argv[i]);
    }
  }
  for (auto& c : commands) {
    if (c.empty()) throw std::runtime_error("an empty command");
    c.push_back(nullptr);
  }
  return commands;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || std::atoi(argv[1]) < 1) {
    std::fprintf(stderr, "usage: spawn_timer RUNS CMD [ARG...] [-- CMD [ARG...]]...\n");
    return 2;
  }
  try {
    const int runs = std::atoi(argv[1]);
    const std::vector<Command> commands = parse_commands(argc, argv);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);

    std::vector<std::vector<double>> samples(commands.size());
    for (const auto& c : commands) time_once(c, actions);
    for (int r = 0; r < runs; ++r) {
      for (std::size_t c = 0; c < commands.size(); ++c) {
        samples[c].push_back(time_once(commands[c], actions));
      }
    }
    for (auto& s : samples) {
      std::sort(s.begin(), s.end());
      std::printf("%.1f %.1f %.1f %.1f\n", percentile(s, 0.5), percentile(s, 0.9),
                  percentile(s, 0.99), s.front());
    }
    posix_spawn_file_actions_destroy(&actions);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spawn_timer: %s\n", e.what());
    return 1;
  }
  return 0;
}
