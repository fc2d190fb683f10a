// taskfs cancel PATH: stops a computation of the mounted daemon, through the
// mount (the one way in to a running daemon): reading the xattr
// user.taskfs.cancel of PATH's file asks the daemon to cancel it.
#include <sys/xattr.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
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
  if (!std::filesystem::exists(project.mountpoint / ".taskfs")) {
    std::cerr << "taskfs cancel: no daemon is mounted at " << project.mountpoint.string()
              << " (a taskfs run stops with Ctrl-C)\n";
    return 1;
  }
  std::string file = (project.mountpoint / path).string();
  char answer[256];
  ssize_t n = ::getxattr(file.c_str(), "user.taskfs.cancel", answer, sizeof answer);
  if (n < 0) {
    int error_number = errno;
    std::cerr << "taskfs cancel: " << path << ": " << std::strerror(error_number) << "\n";
    // A path the daemon does not know is wrong usage, as for taskfs run.
    return error_number == ENOENT || error_number == EINVAL ? 2 : 1;
  }
  std::string said(answer, static_cast<std::size_t>(n));
  if (said.starts_with("nothing")) {
    std::cerr << "taskfs cancel: " << path << ": " << said;
    return 1;
  }
  std::cout << path << ": " << said;
  return 0;
}

}  // namespace taskfs::cli
