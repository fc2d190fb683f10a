// taskfs gc, du and rm: keeping the store in bounds (SPEC 7). With a daemon
// serving the project, gc and rm go through its mount: it knows what is being
// read or computed, and forgets what went. Without one, they work on the store.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/daemon_link.hpp"
#include "cli/engine_session.hpp"
#include "cli/parse_args.hpp"
#include "cli/project.hpp"
#include "engine/reports.hpp"
#include "engine/store_keeping.hpp"

namespace taskfs::cli {
namespace po = boost::program_options;

int gc_command(const Args& args) {
  po::options_description options("options");
  options.add_options()("max-size", po::value<std::string>()->value_name("S"),
                        "evict until the store holds at most S (bytes, or K, M, G, T); "
                        "default: store_max_size");
  auto parsed = parse_project_args(args, "taskfs gc [--max-size S]",
                                   "Evicts the least recently read results until the store "
                                   "holds at most S. Never evicts a result being read or "
                                   "computed on.",
                                   options);
  if (!parsed) return 0;
  if (!parsed->positional.empty()) throw UsageError("taskfs gc takes no arguments");
  Project project = load_project(parsed->flags, false);
  std::optional<std::uint64_t> max_bytes;
  if (parsed->flags.count("max-size")) {
    max_bytes = parse_size(parsed->flags["max-size"].as<std::string>(), "--max-size");
  }
  if (auto mount = live_mount(project)) {
    // The daemon's own store_max_size when no size is given here.
    std::string request = "user.taskfs.gc";
    if (max_bytes) request += ":" + std::to_string(*max_bytes);
    std::cout << ask_daemon(*mount / ".taskfs", request, "taskfs gc");
    return 0;
  }
  if (!max_bytes && project.engine.store_max_bytes > 0) max_bytes = project.engine.store_max_bytes;
  if (!max_bytes) {
    throw UsageError("taskfs gc: give --max-size S, or set store_max_size in taskfs.ini");
  }
  std::cout << eviction_report(collect_store(project.engine.store_dir, *max_bytes));
  return 0;
}

int du_command(const Args& args) {
  po::options_description options("options");
  options.add_options()("bytes,b", "sizes in bytes, not K, M, G");
  auto parsed = parse_project_args(args, "taskfs du [--bytes]",
                                   "Shows the store's size by task, largest first.", options);
  if (!parsed) return 0;
  if (!parsed->positional.empty()) throw UsageError("taskfs du takes no arguments");
  Project project = load_project(parsed->flags, false);
  std::cout << usage_report(store_usage(project.engine.store_dir), parsed->flags.count("bytes"));
  return 0;
}

int rm_command(const Args& args) {
  auto parsed = parse_project_args(args, "taskfs rm PATH",
                                   "Forgets the cached result of PATH: the next read recomputes "
                                   "it.");
  if (!parsed) return 0;
  if (parsed->positional.size() != 1) throw UsageError("taskfs rm: give one PATH");
  const std::string& path = parsed->positional[0];
  Project project = load_project(parsed->flags, false);
  if (auto mount = live_mount(project)) {
    // A task's directory is no result: TASK means its default, as in `taskfs run`.
    std::string file = path.find('/') == std::string::npos ? path + "/default" : path;
    std::cout << ask_daemon(*mount / file, "user.taskfs.rm", path);
    return 0;
  }
  // Without a daemon, the library resolves the path.
  auto engine = open_engine(load_project(parsed->flags));
  auto request = resolve_path(*engine, path);
  std::cout << forget_report(request->plan.canonical_path(), engine->forget(*request));
  return 0;
}

}  // namespace taskfs::cli
