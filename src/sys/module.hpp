// Optional parts of taskfs built as modules (libtaskfs-<name>.so) and loaded
// only by the process that uses them: linked, the team cache's libpq and
// Graphviz's libgvc, with the libraries behind them, cost every command
// ~10 ms before main() on the development machine, used or not.
#pragma once

#include <string>

namespace taskfs {

// The address of `symbol` in the module `file` (e.g. "libtaskfs-remote.so"),
// loaded on first use and kept for the process's life. The module is looked
// for in $TASKFS_MODULE_DIR, beside the running program (the build tree), and
// where the package installs it (lib/<arch>/taskfs). Throws std::runtime_error saying why it
// cannot be loaded.
void* module_symbol(const std::string& file, const char* symbol);

}  // namespace taskfs
