// taskfs log PATH: what a task printed on its latest run (SPEC section 7).
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/engine_session.hpp"
#include "cli/parse_args.hpp"
#include "cli/project.hpp"
#include "sys/fd.hpp"
#include "sys/io.hpp"

namespace taskfs::cli {

int log_command(const Args& args) {
  auto parsed = parse_project_args(args, "taskfs log PATH",
                                   "Prints what PATH's task wrote to stdout and stderr on its "
                                   "latest run with this store, as far as it got if it still "
                                   "runs. Computes nothing.");
  if (!parsed) return 0;
  if (parsed->positional.size() != 1) throw UsageError("taskfs log: give one PATH");
  const std::string& path = parsed->positional[0];
  auto engine = open_engine(load_project(parsed->flags));
  const PlanNode& target = resolve_path(*engine, path)->plan.target();
  // One file read to its end as it is now: a run that goes on may add more,
  // and one that starts meanwhile does not mix into what is printed.
  Fd log = engine->task_logs().open(target.task->name, target.variant);
  if (!log) {
    std::cerr << "taskfs log: " << path
              << ": no output recorded (its latest run printed nothing, or it never ran with "
                 "this store)\n";
    return 0;
  }
  constexpr std::size_t kChunk = 1 << 16;
  auto buf = std::make_unique_for_overwrite<char[]>(kChunk);
  while (std::size_t n = read_full(log.get(), buf.get(), kChunk, "reading the log")) {
    write_all(STDOUT_FILENO, std::string_view(buf.get(), n), "writing the log");
  }
  return 0;
}

}  // namespace taskfs::cli
