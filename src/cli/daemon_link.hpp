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

// An extended attribute of `path`, or nullopt when it has none (or `path` is
// not in a live taskfs mount). Only for attributes that do not act: reading a
// request such as user.taskfs.rm twice would act twice (see ask_daemon).
std::optional<std::string> attribute_of(const std::filesystem::path& path, const char* name);

// The project's mount point when a live daemon there serves this project's
// store and library, else nullopt.
std::optional<std::filesystem::path> live_mount(const Project& project);

// The daemon's answer to the request `name` about `file` (a path in the
// mount). An answer "error: ..." becomes a std::runtime_error (exit 1); a
// path the daemon does not know becomes a UsageError naming `shown`.
std::string ask_daemon(const std::filesystem::path& file, const std::string& name,
                       const std::string& shown);

}  // namespace taskfs::cli
