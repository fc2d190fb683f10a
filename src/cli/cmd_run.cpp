// taskfs run PATH...: compute and print to stdout, through the project's
// mounted daemon when there is one, else in this process.
#include <unistd.h>

#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/engine_session.hpp"
#include "cli/output.hpp"
#include "cli/parse_args.hpp"
#include "cli/progress.hpp"
#include "cli/project.hpp"

namespace taskfs::cli {
namespace {

// How long `taskfs run` waits, after printing, for its uploads to the team cache.
constexpr std::chrono::seconds kUploadPatience{120};

// Prints a result's bytes; false when the reader of stdout went away.
bool print_result(const BlobReader& reader) {
  if (reader.in_memory()) return write_stdout(reader.memory());
  constexpr std::size_t kChunk = 1 << 20;
  auto buf = std::make_unique_for_overwrite<char[]>(kChunk);
  for (std::uint64_t at = 0; at < reader.size();) {
    std::size_t n = reader.read(buf.get(), kChunk, at);
    if (!write_stdout(std::string_view(buf.get(), n))) return false;
    at += n;
  }
  return true;
}

ProgressState engine_progress(Engine& engine) {
  EngineStatus s = engine.status();
  ProgressState state{s.nodes_done, s.nodes_planned, {}, s.queued};
  for (const auto& r : s.running) state.running.push_back(r.task + "/" + r.variant);
  return state;
}

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
                         "log PATH). When a daemon serves the project, the results are read "
                         "through its mount, under the daemon's settings.",
                         options);
  if (!parsed) return 0;
  if (parsed->positional.empty()) throw UsageError("taskfs run: give at least one PATH");
  Project project = load_project(parsed->flags);
  if (auto status = run_through_daemon(project, parsed->positional)) return *status;
  auto engine = open_engine(project);

  std::vector<std::shared_ptr<const Request>> requests;
  for (const auto& path : parsed->positional) requests.push_back(resolve_path(*engine, path));
  // All paths compute at once; they print in the order given.
  std::vector<std::future<Outcome>> outcomes;
  {
    Progress progress([&] { return engine_progress(*engine); });
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
    if (!print_result(*view)) break;  // as cat does when its reader leaves
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
