// The daemon log: one timestamped line a message, on stderr (which the daemon
// points at the log file in the store).
#pragma once

#include <string_view>

namespace taskfs {

void log_line(std::string_view message);

}  // namespace taskfs
