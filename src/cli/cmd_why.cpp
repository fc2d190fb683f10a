// taskfs why PATH: why PATH would run, or when it was computed (SPEC section 7).
#include <iostream>

#include "cli/commands.hpp"
#include "cli/daemon_link.hpp"
#include "cli/engine_session.hpp"
#include "cli/parse_args.hpp"
#include "cli/project.hpp"
#include "spec/variant.hpp"

namespace taskfs::cli {

int why_command(const Args& args) {
  boost::program_options::options_description options;
  add_allow_path_option(options);
  auto parsed =
      parse_project_args(args, "taskfs why PATH [--allow-path DIR]",
                         "Says why PATH would run (what differs from the closest cached run of "
                         "its task, upstream to the root cause), or when it was computed. "
                         "An element of a collection answers for its collection. "
                         "Computes nothing.",
                         options);
  if (!parsed) return 0;
  if (parsed->positional.size() != 1) throw UsageError("taskfs why: give one PATH");
  Project project = load_project(parsed->flags, false);
  const std::string& path = parsed->positional[0];
  if (auto mount = live_mount(project)) {
    // The daemon answers at once, and knows the reads it has not written yet.
    std::cout << ask_daemon(*mount / path, "user.taskfs.why", path);
    return 0;
  }
  // Without a daemon, the library resolves the path. An element of a
  // collection is made by its collection's run: it answers for it, as its
  // file in the mount does.
  spec::ElementPath split = spec::split_element_path(path);
  std::string result = std::string(split.result.task) + "/" + std::string(split.result.variant);
  auto engine = open_engine(load_project(parsed->flags));
  std::cout << engine->why(*resolve_path(*engine, split.element.empty() ? path : result));
  return 0;
}

}  // namespace taskfs::cli
