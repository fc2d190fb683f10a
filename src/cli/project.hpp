// The project a command works on: taskfs.ini (found upward from the working
// directory, like git) overridden by command-line flags.
#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "engine/options.hpp"

namespace taskfs::cli {

// Wrong usage: the command prints the reason on one line and exits 2.
class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A project as taskfs.ini and the flags describe it. The engine's project
// root is the directory of taskfs.ini, or the working directory.
struct Project {
  EngineOptions engine;
  std::filesystem::path mountpoint;
};

// Adds --tasks, --store, -j and --remote to a command's options.
void add_project_options(boost::program_options::options_description& options);

// Reads taskfs.ini and applies the flags in `flags`. Throws UsageError when no
// task library is named or taskfs.ini is malformed.
Project load_project(const boost::program_options::variables_map& flags);

}  // namespace taskfs::cli
