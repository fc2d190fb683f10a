// taskfs: mount a project's tasks as files, or compute them from the shell.
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "cli/project.hpp"
#include "log.hpp"

namespace {

constexpr const char* kUsage =
    "usage: taskfs COMMAND [ARGS]\n"
    "\n"
    "  mount [MOUNTPOINT]   serve every task result as a file (reads taskfs.ini)\n"
    "  unmount [MOUNTPOINT] stop the daemon and unmount\n"
    "  run PATH...          compute and print to stdout, e.g. results/train=maxiter:5\n"
    "  ls [TASK]            tasks, params and defaults; with TASK its cached variants\n"
    "  status               what runs, what failed\n"
    "  graph                the task graph as DOT\n"
    "  why PATH             why PATH would run, or when it was computed and how often read\n"
    "  log PATH             what PATH's task printed on its latest run\n"
    "  gc [--max-size S]    evict the least recently read results down to a size\n"
    "  du                   the store's size by task\n"
    "  rm PATH              forget one cached result (the next read recomputes it)\n"
    "  cancel PATH          stop a running computation of the mounted daemon\n"
    "  fsck                 verify every stored result against its content hash\n"
    "\n"
    "Every command has --help.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace taskfs::cli;
  const std::map<std::string, int (*)(const Args&)> commands{
      {"run", run_command},       {"ls", ls_command},       {"graph", graph_command},
      {"status", status_command}, {"mount", mount_command}, {"unmount", unmount_command},
      {"why", why_command},       {"log", log_command},     {"gc", gc_command},
      {"du", du_command},         {"rm", rm_command},       {"cancel", cancel_command},
      {"fsck", fsck_command}};
  if (argc < 2) {
    std::cerr << "taskfs: give a command: mount, unmount, run, ls, status, graph, why, log, gc, "
                 "du, rm, cancel or fsck (see taskfs --help)\n";
    return 2;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << kUsage;
    return 0;
  }
  auto command = commands.find(name);
  if (command == commands.end()) {
    std::cerr << "taskfs: unknown command '" << name << "' (see taskfs --help)\n";
    return 2;
  }
  // Only the daemon keeps a log; the other commands say what went wrong themselves.
  if (name != "mount") taskfs::silence_log();
  try {
    return command->second(Args(argv + 2, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "taskfs " << name << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "taskfs " << name << ": " << e.what() << "\n";
    return 1;
  }
}
