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
#include "spec/variant.hpp"

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

// What one PATH of `taskfs run` names: a result, a whole collection, or one
// element of a collection (SPEC 6).
struct Target {
  std::string path;
  std::shared_ptr<const Request> request;
  std::optional<std::string> element;

  bool collection() const { return request->plan.target().task->collection; }
  // An element of an .each task is computed on its own (SPEC 6).
  bool each_element() const { return element && request->plan.target().task->each(); }
  TargetPart part() const {
    return each_element() ? TargetPart{TargetPart::Kind::Element, *element} : TargetPart{};
  }
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

// How printing a target went.
enum class Printed { All, Failed, OutputClosed };

Printed printed(bool all) { return all ? Printed::All : Printed::OutputClosed; }

// Prints one stored element; Failed, saying so, when its bytes were damaged
// (they and the collection are then forgotten: running again makes them anew).
Printed print_element(Engine& engine, const Target& target, const ElementInfo& element) {
  std::optional<BlobReader> view;
  if (element.stored_inline) {  // a small element: its bytes came with its row
    view.emplace(element.stored_inline->view, 0, element.stored_inline->view.size());
  } else {
    view = engine.open_view(element.result);
  }
  if (!view) {
    std::cerr << "taskfs: " << target.path << ": the stored bytes of element '" << element.name
              << "' were damaged; they are forgotten, run it again\n";
    return Printed::Failed;
  }
  return printed(print_result(*view));
}

// Prints a computed target (`view` is its result's): a result, one element,
// or every element in order. Failed, saying why, when the element does not
// exist or was damaged.
Printed print_target(Engine& engine, const Target& target, const ResultInfo& result,
                     const BlobReader& view) {
  if (!target.collection() || target.each_element()) return printed(print_result(view));
  std::optional<CollectionInfo> collection = engine.collection_of(result);
  if (!collection) throw std::runtime_error(target.path + ": its elements are not in the store");
  if (target.element) {
    std::optional<ElementInfo> element = engine.find_element(*collection, *target.element);
    if (!element) {
      std::cerr << "taskfs: " << target.path << ": no element '" << *target.element << "'\n";
      return Printed::Failed;
    }
    return print_element(engine, target, *element);
  }
  constexpr std::size_t kPage = 1024;  // elements read per store query
  for (std::uint64_t from = 0; from < collection->size; from += kPage) {
    for (const auto& element : engine.elements(*collection, from, kPage)) {
      if (Printed p = print_element(engine, target, element); p != Printed::All) return p;
    }
  }
  return Printed::All;
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
                         "prints it to stdout; TASK/VARIANT/ELEMENT prints one element of "
                         "a collection. What tasks print goes to their logs (taskfs log PATH). "
                         "When a daemon serves the project, the results are read through its "
                         "mount, under the daemon's settings.",
                         options);
  if (!parsed) return 0;
  if (parsed->positional.empty()) throw UsageError("taskfs run: give at least one PATH");
  Project project = load_project(parsed->flags);
  if (auto status = run_through_daemon(project, parsed->positional)) return *status;
  auto engine = open_engine(project);

  std::vector<Target> targets;
  for (const auto& path : parsed->positional) targets.push_back(resolve_target(*engine, path));
  // All paths compute at once; they print in the order given.
  std::vector<std::future<Outcome>> outcomes;
  {
    Progress progress([&] { return engine_progress(*engine); });
    for (const auto& t : targets) {
      auto promise = std::make_shared<std::promise<Outcome>>();
      outcomes.push_back(promise->get_future());
      engine->compute_part(t.request, t.part(),
                           [promise](const Outcome& o) { promise->set_value(o); });
    }
    for (auto& o : outcomes) o.wait();
  }
  int status = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    Outcome o = outcomes[i].get();
    std::optional<BlobReader> view;
    if (o.ok) view = engine->open_view(o.result);
    // Stored bytes found damaged are forgotten: computing again makes them anew.
    if (o.ok && !view) o = engine->compute_blocking(targets[i].request, targets[i].part());
    if (o.ok && !view) view = engine->open_view(o.result);
    if (o.ok && !view) o = {false, "its stored bytes were damaged again", {}, {}};
    if (!o.ok) {
      std::cerr << "taskfs: " << targets[i].request->plan.canonical_path() << ": " << o.error
                << "\n";
      status = 1;
      continue;
    }
    engine->note_read(o.key);
    Printed p = print_target(*engine, targets[i], o.result, *view);
    if (p == Printed::Failed) status = 1;
    if (p == Printed::OutputClosed) break;  // as cat does when its reader leaves
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
