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

// What one PATH of `taskfs run` names: a result, a whole collection, or one
// element of a collection (SPEC 6).
struct Target {
  std::string path;
  std::shared_ptr<const Request> request;
  std::optional<std::string> element;

  bool collection() const { return request->plan.target().task->collection; }
};

// Throws UsageError (exit 2) for a path that names nothing.
Target resolve_target(Engine& engine, const std::string& path) {
  spec::ElementPath split = spec::split_element_path(path);
  Target target{path, nullptr, std::nullopt};
  try {
    target.request = engine.resolve(split.result.task, split.result.variant);
  } catch (const spec::PathError& e) {
    throw UsageError(path + ": " + e.what());
  }
  if (split.element.empty()) return target;
  if (!target.collection()) {
    throw UsageError(path + ": task '" + std::string(split.result.task) +
                     "' does not return a collection; it has no elements");
  }
  target.element = spec::element_name(split.element);
  if (!target.element) throw UsageError(path + ": a malformed percent escape in its element");
  return target;
}

// Prints one stored element; false, saying so, when its bytes were damaged
// (they and the collection are then forgotten: running again makes them anew).
bool print_element(Engine& engine, const Target& target, const ElementInfo& element) {
  std::optional<BlobReader> view = engine.open_view(element.result);
  if (!view) {
    std::cerr << "taskfs: " << target.path << ": the stored bytes of element '" << element.name
              << "' were damaged; they are forgotten, run it again\n";
    return false;
  }
  print_result(*view);
  return true;
}

// Prints a computed target (`view` is its result's): a result, one element,
// or every element in order. False, saying why, when the element does not
// exist or was damaged.
bool print_target(Engine& engine, const Target& target, const ResultInfo& result,
                  const BlobReader& view) {
  if (!target.collection()) {
    print_result(view);
    return true;
  }
  std::optional<CollectionInfo> collection = engine.collection_of(result);
  if (!collection) throw std::runtime_error(target.path + ": its elements are not in the store");
  if (target.element) {
    std::optional<ElementInfo> element = engine.find_element(*collection, *target.element);
    if (!element) {
      std::cerr << "taskfs: " << target.path << ": no element '" << *target.element << "'\n";
      return false;
    }
    return print_element(engine, target, *element);
  }
  constexpr std::size_t kPage = 1024;  // elements read per store query
  for (std::uint64_t from = 0; from < collection->size; from += kPage) {
    for (const auto& element : engine.elements(*collection, from, kPage)) {
      if (!print_element(engine, target, element)) return false;
    }
  }
  return true;
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
                         "prints it to stdout; TASK/VARIANT/ELEMENT prints one element of "
                         "a collection. What tasks print goes to their logs (taskfs log PATH).",
                         options);
  if (!parsed) return 0;
  if (parsed->positional.empty()) throw UsageError("taskfs run: give at least one PATH");
  Project project = load_project(parsed->flags);
  auto engine = open_engine(project);

  std::vector<Target> targets;
  for (const auto& path : parsed->positional) targets.push_back(resolve_target(*engine, path));
  // All paths compute at once; they print in the order given.
  std::vector<std::future<Outcome>> outcomes;
  {
    Progress progress(*engine);
    for (const auto& t : targets) {
      auto promise = std::make_shared<std::promise<Outcome>>();
      outcomes.push_back(promise->get_future());
      engine->compute(t.request, [promise](const Outcome& o) { promise->set_value(o); });
    }
    for (auto& o : outcomes) o.wait();
  }
  int status = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    Outcome o = outcomes[i].get();
    std::optional<BlobReader> view;
    if (o.ok) view = engine->open_view(o.result);
    // Stored bytes found damaged are forgotten: computing again makes them anew.
    if (o.ok && !view) o = engine->compute_blocking(targets[i].request);
    if (o.ok && !view) view = engine->open_view(o.result);
    if (o.ok && !view) o = {false, "its stored bytes were damaged again", {}, {}};
    if (!o.ok) {
      std::cerr << "taskfs: " << targets[i].request->plan.canonical_path() << ": " << o.error
                << "\n";
      status = 1;
      continue;
    }
    engine->note_read(o.key);
    try {
      if (!print_target(*engine, targets[i], o.result, *view)) status = 1;
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
