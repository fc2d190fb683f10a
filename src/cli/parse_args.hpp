// Option parsing shared by the subcommands: --help, the project options, and
// positional arguments, with errors as UsageError.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>

#include "cli/commands.hpp"

namespace taskfs::cli {

struct ParsedArgs {
  boost::program_options::variables_map flags;
  std::vector<std::string> positional;
};

// Parses `args` for `usage` (e.g. "taskfs unmount [MOUNTPOINT]"): `options`,
// --help and positional arguments. Returns nullopt after printing help when
// --help is given.
std::optional<ParsedArgs> parse_args(const Args& args, const std::string& usage,
                                     const std::string& summary,
                                     boost::program_options::options_description options);

// parse_args for a command of a project: the project options (--tasks,
// --store, -j, --remote) first, then the command's own `extra` options.
std::optional<ParsedArgs> parse_project_args(
    const Args& args, const std::string& usage, const std::string& summary,
    const boost::program_options::options_description& extra = {});

}  // namespace taskfs::cli
