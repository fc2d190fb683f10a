// `taskfs run` through the project's running daemon: when one serves the same
// store and library, each PATH is read from its mount, so the command opens
// no store, loads no catalog and spawns no worker (and what it computes is
// shared with every other reader of the mount).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/project.hpp"

namespace taskfs::cli {

// Prints each of `paths` (in order, computed at once) read through the mount
// of a daemon serving `project`; returns the exit status: 0, or 1 when a task
// failed (its error printed as `taskfs run` does). Returns nullopt, having
// printed nothing, when no such daemon is mounted or some path is not a
// result the mount serves (a bad path: the caller then says why).
std::optional<int> run_through_daemon(const Project& project,
                                      const std::vector<std::string>& paths);

}  // namespace taskfs::cli
