// The daemon log: one timestamped line a message, on stderr (which the daemon
// points at the log file in the store).
#pragma once

#include <string_view>

namespace taskfs {

void log_line(std::string_view message);

// Turns log_line off: the command-line front end reports errors itself.
void silence_log();

}  // namespace taskfs
