// What `taskfs run` prints: results to stdout. A reader of stdout that goes
// away (`taskfs run ... | head`) ends the printing, as for cat, but is no error.
#pragma once

#include <string_view>

namespace taskfs::cli {

// Writes all of `bytes` to stdout; false when its reader went away (EPIPE).
// Throws std::system_error for any other failure. REQUIRES: SIGPIPE ignored.
bool write_stdout(std::string_view bytes);

// Copies what `fd` holds, to its end, to stdout; false when the reader of
// stdout went away. Throws std::system_error when reading or writing fails.
bool copy_to_stdout(int fd);

}  // namespace taskfs::cli
