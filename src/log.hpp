// The daemon log: one timestamped line a message, on stderr (which the daemon
// points at the log file in the store). A message never spans lines: control
// bytes in it (a newline in a looked-up name, say) are written escaped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace taskfs {

void log_line(std::string_view message);

// Turns log_line off: the command-line front end reports errors itself.
void silence_log();

// Caps the log file that stderr writes to: when a line would take it past
// `max_bytes`, the file is renamed to `<path>.1` (replacing the previous one)
// and a new one is started at `path` and made stderr. The log then never
// holds more than about twice `max_bytes` on disk.
void rotate_log_at(const std::filesystem::path& path, std::uint64_t max_bytes);

// `text` with backslashes and control bytes (below 0x20, 0x7f) as \\ and \xNN.
std::string escape_for_log(std::string_view text);

}  // namespace taskfs
