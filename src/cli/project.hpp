// The project a command works on: taskfs.ini (found upward from the working
// directory, like git) overridden by command-line flags.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

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
  bool allow_other = false;  // allow_other: every local user may read the mount
  // The daemon log's cap (log_max_size in taskfs.ini, --log-max-size): past
  // it, daemon.log is rotated to daemon.log.1.
  std::uint64_t log_max_bytes = 10 << 20;
};

// A size as taskfs.ini and flags spell it: bytes, or a number with a K, M, G
// or T suffix (powers of 1024). Throws UsageError naming `what` when malformed or 0.
std::uint64_t parse_size(const std::string& text, const std::string& what);

// Adds --tasks, --store, -j and --remote to a command's options.
void add_project_options(boost::program_options::options_description& options);
// Adds --task-log-max-size, for the commands that run tasks.
void add_task_log_option(boost::program_options::options_description& options);

// Adds --allow-path, for the commands that resolve paths (mount, run, why).
void add_allow_path_option(boost::program_options::options_description& options);
// Adds --task-timeout, for the commands that compute (mount, run).
void add_timeout_option(boost::program_options::options_description& options);

// Reads taskfs.ini and applies the flags in `flags`. Throws UsageError when
// taskfs.ini is malformed, or no task library is named and `needs_library`
// (commands that only read or trim the store need none).
Project load_project(const boost::program_options::variables_map& flags, bool needs_library = true);

}  // namespace taskfs::cli
