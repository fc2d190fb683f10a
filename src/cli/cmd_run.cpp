// taskfs run PATH...: compute and print to stdout, without a mount.
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "cli/commands.hpp"
#include "cli/engine_session.hpp"
#include "cli/parse_args.hpp"
#include "cli/project.hpp"
#include "spec/variant.hpp"
#include "sys/io.hpp"

namespace taskfs::cli {
namespace {

// The reader of stdout went away (`taskfs run ... | head`): not an error.
struct OutputClosed {};

// How long `taskfs run` waits, after printing, for its uploads to the team cache.
constexpr std::chrono::seconds kUploadPatience{120};

void print(std::string_view bytes) {
  try {
    write_all(STDOUT_FILENO, bytes, "writing the output");
  } catch (const std::system_error& e) {
    if (e.code().value() == EPIPE) throw OutputClosed{};
    throw;
  }
}

void print_result(const BlobReader& reader) {
  if (reader.in_memory()) return print(reader.memory());
  constexpr std::size_t kChunk = 1 << 20;
  auto buf = std::make_unique_for_overwrite<char[]>(kChunk);
  for (std::uint64_t at = 0; at < reader.size();) {
    std::size_t n = reader.read(buf.get(), kChunk, at);
    print(std::string_view(buf.get(), n));
    at += n;
  }
}

// The width of the terminal on stderr: a longer line would wrap, and "\r"
// would then no longer clear it.
std::size_t terminal_width() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col < 20) return 80;
  return size.ws_col;
}

// Shows on one stderr line, while the caller waits, how many tasks are done
// of how many, for how long, and what runs now (terminals only).
class Progress {
 public:
  explicit Progress(Engine& engine) : engine_(engine), started_(std::chrono::steady_clock::now()) {
    if (::isatty(STDERR_FILENO)) thread_ = std::thread([this] { loop(); });
  }
  ~Progress() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
      std::cerr << "\r\033[K" << std::flush;
    }
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) {
      EngineStatus s = engine_.status();
      auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::steady_clock::now() - started_)
                         .count();
      char clock[32];
      std::snprintf(clock, sizeof clock, "%lld:%02lld", static_cast<long long>(elapsed / 60),
                    static_cast<long long>(elapsed % 60));
      std::string line = "[" + std::to_string(s.nodes_done) + "/" +
                         std::to_string(s.nodes_planned) + " done, " + clock + "]";
      if (!s.running.empty()) line += " running:";
      for (const auto& r : s.running) line += " " + r.task + "/" + r.variant;
      if (s.queued > 0) line += " (" + std::to_string(s.queued) + " waiting)";
      std::cerr << "\r\033[K" << line.substr(0, terminal_width() - 1) << std::flush;
    }
  }

  Engine& engine_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

int run_command(const Args& args) {
  boost::program_options::options_description options;
  add_task_log_option(options);
  add_timeout_option(options);
  add_allow_path_option(options);
  auto parsed =
      parse_project_args(args,
                         "taskfs run PATH... [--tasks LIB] [--store DIR] [-j N] "
                         "[--task-timeout SECONDS] [--allow-path DIR]",
                         "Computes each TASK[/VARIANT] (e.g. results/train=maxiter:5) and "
                         "prints it to stdout; what tasks print goes to their logs (taskfs "
                         "log PATH).",
                         options);
  if (!parsed) return 0;
  if (parsed->positional.empty()) throw UsageError("taskfs run: give at least one PATH");
  Project project = load_project(parsed->flags);
  auto engine = open_engine(project);

  std::vector<std::shared_ptr<const Request>> requests;
  for (const auto& path : parsed->positional) requests.push_back(resolve_path(*engine, path));
  // All paths compute at once; they print in the order given.
  std::vector<std::future<Outcome>> outcomes;
  {
    Progress progress(*engine);
    for (const auto& r : requests) {
      auto promise = std::make_shared<std::promise<Outcome>>();
      outcomes.push_back(promise->get_future());
      engine->compute(r, [promise](const Outcome& o) { promise->set_value(o); });
    }
    for (auto& o : outcomes) o.wait();
  }
  int status = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    Outcome o = outcomes[i].get();
    std::optional<BlobReader> view;
    if (o.ok) view = engine->open_view(o.result);
    // Stored bytes found damaged are forgotten: computing again makes them anew.
    if (o.ok && !view) o = engine->compute_blocking(requests[i]);
    if (o.ok && !view) view = engine->open_view(o.result);
    if (o.ok && !view) o = {false, "its stored bytes were damaged again", {}, {}};
    if (!o.ok) {
      std::cerr << "taskfs: " << requests[i]->plan.canonical_path() << ": " << o.error << "\n";
      status = 1;
      continue;
    }
    engine->note_read(o.key);
    try {
      print_result(*view);
    } catch (const OutputClosed&) {
      break;  // as cat does when its reader leaves, minus the signal
    }
  }
  // The reader has every byte (and its end of file) before uploads to the
  // team cache finish.
  ::close(STDOUT_FILENO);
  if (!engine->drain_uploads(kUploadPatience)) {
    std::cerr << "taskfs: the team cache did not take every result within "
              << kUploadPatience.count() << " s; they stay local\n";
  }
  return status;
}

}  // namespace taskfs::cli
