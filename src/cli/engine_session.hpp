// Opening the engine for a command, with the task library loaded or a clear error.
#pragma once

#include <memory>

#include "cli/project.hpp"
#include "engine/engine.hpp"

namespace taskfs::cli {

// Opens the store and loads the library of `project`. Throws std::runtime_error
// (exit 1) when the store cannot be opened or the library cannot be loaded.
std::unique_ptr<Engine> open_engine(const Project& project);

// Resolves a command-line PATH, "task[/variant]" as in the mount. Throws
// UsageError (exit 2) naming the path when it does not resolve.
std::shared_ptr<const Request> resolve_path(Engine& engine, const std::string& path);

}  // namespace taskfs::cli
