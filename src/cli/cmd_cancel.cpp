// taskfs cancel PATH: stops a computation of the mounted daemon, through the
// mount (the one way in to a running daemon): reading the xattr
// user.taskfs.cancel of PATH's file asks the daemon to cancel it.
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/daemon_link.hpp"
#include "cli/parse_args.hpp"
#include "cli/project.hpp"

namespace taskfs::cli {
namespace po = boost::program_options;

int cancel_command(const Args& args) {
  po::options_description options("options");
  auto parsed = parse_args(args, "taskfs cancel PATH",
                           "Stops the computation of PATH (and of what it needs) in the daemon "
                           "mounted for this project: its workers are killed and its readers "
                           "get EIO. The same as getfattr -n user.taskfs.cancel MOUNTPOINT/PATH.",
                           options);
  if (!parsed) return 0;
  if (parsed->positional.size() != 1) throw UsageError("taskfs cancel: give one PATH");
  Project project = load_project(parsed->flags, /*needs_library=*/false);
  std::string path = parsed->positional[0];
  if (path.find('/') == std::string::npos) path += "/default";
  std::optional<std::filesystem::path> mount = live_mount(project);
  if (!mount) {
    std::cerr << "taskfs cancel: no daemon is mounted at " << project.mountpoint.string()
              << " (a taskfs run stops with Ctrl-C)\n";
    return 1;
  }
  std::string said = ask_daemon(*mount / path, "user.taskfs.cancel", "taskfs cancel: " + path);
  if (said.starts_with("nothing")) {
    std::cerr << "taskfs cancel: " << path << ": " << said;
    return 1;
  }
  std::cout << path << ": " << said;
  return 0;
}

}  // namespace taskfs::cli
