// taskfs mount / unmount.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/parse_args.hpp"
#include "cli/project.hpp"
#include "fs/daemon.hpp"

namespace taskfs::cli {
namespace po = boost::program_options;

int mount_command(const Args& args) {
  po::options_description options;
  add_timeout_option(options);
  add_allow_path_option(options);
  options.add_options()("foreground,f", "stay in the foreground, logging to stderr")(
      "allow-other",
      "let every user read the mount (a regular user needs user_allow_other in "
      "/etc/fuse.conf)")("log-max-size", po::value<std::string>()->value_name("SIZE"),
                         "rotate <store>/daemon.log past SIZE (default 10M)")(
      "store-max-size", po::value<std::string>()->value_name("SIZE"),
      "after a write, evict the least recently read results while the store holds more than "
      "SIZE (default: unlimited)");
  add_task_log_option(options);
  auto parsed =
      parse_project_args(args,
                         "taskfs mount [MOUNTPOINT] [--tasks LIB] [--store DIR] [-j N] "
                         "[--foreground] [--allow-other] [--log-max-size S] [--store-max-size S] "
                         "[--task-log-max-size S] [--task-timeout SECONDS] [--allow-path DIR]",
                         "Mounts the project's tasks: every task result is a file.", options);
  if (!parsed) return 0;
  if (parsed->positional.size() > 1) throw UsageError("taskfs mount: give at most one MOUNTPOINT");
  Project project = load_project(parsed->flags);
  if (!parsed->positional.empty()) {
    project.mountpoint = std::filesystem::absolute(parsed->positional[0]).lexically_normal();
  }
  project.engine.watch_input_files = true;
  return fs::mount_and_serve(
      {project.engine, project.mountpoint, parsed->flags.count("foreground") > 0,
       project.allow_other || parsed->flags.count("allow-other") > 0, project.log_max_bytes});
}

int unmount_command(const Args& args) {
  auto parsed = parse_args(args, "taskfs unmount [MOUNTPOINT]",
                           "Unmounts the project's mount; its daemon exits.",
                           po::options_description("options"));
  if (!parsed) return 0;
  if (parsed->positional.size() > 1)
    throw UsageError("taskfs unmount: give at most one MOUNTPOINT");
  std::filesystem::path mountpoint;
  if (!parsed->positional.empty()) {
    mountpoint = std::filesystem::absolute(parsed->positional[0]).lexically_normal();
  } else {
    po::variables_map none;
    try {
      mountpoint = load_project(none).mountpoint;
    } catch (const UsageError&) {
      throw UsageError("taskfs unmount: give the MOUNTPOINT (no taskfs.ini found)");
    }
  }
  return fs::unmount(mountpoint);
}

}  // namespace taskfs::cli
