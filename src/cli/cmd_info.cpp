// taskfs ls, graph and status: what the project declares and what happened.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/engine_session.hpp"
#include "cli/parse_args.hpp"
#include "cli/project.hpp"
#include "engine/reports.hpp"

namespace taskfs::cli {

int ls_command(const Args& args) {
  auto parsed = parse_project_args(args, "taskfs ls [TASK]",
                                   "Lists the tasks with their params and defaults; with TASK, the "
                                   "variants of TASK that are cached.");
  if (!parsed) return 0;
  if (parsed->positional.size() > 1) throw UsageError("taskfs ls: give at most one TASK");
  auto engine = open_engine(load_project(parsed->flags));
  auto catalog = engine->catalog().catalog;
  if (parsed->positional.empty()) {
    std::cout << tasks_report(*catalog);
    return 0;
  }
  const std::string& task = parsed->positional[0];
  if (catalog->find(task) == nullptr) throw UsageError("taskfs ls: unknown task '" + task + "'");
  for (const auto& v : engine->cached_variants(task)) std::cout << v << "\n";
  return 0;
}

int graph_command(const Args& args) {
  auto parsed = parse_project_args(args, "taskfs graph", "Prints the task graph in Graphviz DOT.");
  if (!parsed) return 0;
  if (!parsed->positional.empty()) throw UsageError("taskfs graph takes no arguments");
  auto engine = open_engine(load_project(parsed->flags));
  std::cout << graph_report(*engine->catalog().catalog);
  return 0;
}

int status_command(const Args& args) {
  auto parsed = parse_project_args(args, "taskfs status",
                                   "Shows what the mounted daemon runs and what failed; without a "
                                   "daemon, the latest runs recorded in the store.");
  if (!parsed) return 0;
  if (!parsed->positional.empty()) throw UsageError("taskfs status takes no arguments");
  Project project = load_project(parsed->flags);
  std::ifstream live(project.mountpoint / ".taskfs" / "status");
  if (live) {
    std::cout << live.rdbuf();
    return 0;
  }
  std::vector<RunRecord> runs = recorded_runs(project.engine.store_dir, 20);
  std::cout << "no daemon is mounted at " << project.mountpoint.string()
            << "; latest runs in the store:\n"
            << runs_report(runs);
  if (!project.engine.remote.empty()) {
    std::cout << remote_report(remote_status_now(project.engine.remote));
  }
  return 0;
}

}  // namespace taskfs::cli
