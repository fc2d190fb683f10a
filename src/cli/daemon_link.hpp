// Talking to the project's running daemon, through its mount: the one way in.
// A request is an extended attribute the daemon answers (getxattr, which the
// read-only mount allows); its value is the answer's text. Names such as
// user.taskfs.rm are never listed, so `getfattr -d` never asks for them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "cli/project.hpp"

namespace taskfs::cli {

// The project's mount point when a daemon serves it, else nullopt.
std::optional<std::filesystem::path> live_mount(const Project& project);

// The daemon's answer to the request `name` about `file` (a path in the
// mount). An answer "error: ..." becomes a std::runtime_error (exit 1); a
// path the daemon does not know becomes a UsageError naming `shown`.
std::string ask_daemon(const std::filesystem::path& file, const std::string& name,
                       const std::string& shown);

}  // namespace taskfs::cli
