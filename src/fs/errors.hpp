// The one place the daemon turns a failure into an errno (DESIGN.md, house
// style 2): every failure answered to a reader is logged here with what was
// being done, so none is swallowed.
#pragma once

#include <string_view>

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

namespace taskfs::fs {

// Logs "`doing`: reason" for the exception being handled and returns the
// errno a reader sees: the grammar's for a path that names nothing or does
// not parse (ENOENT, EINVAL), EIO for anything else. REQUIRES: inside a catch.
int log_current_error(std::string_view doing);

// log_current_error, then answers `req` with that errno.
void reply_current_error(fuse_req_t req, std::string_view doing);

// Logs "`doing`: `why`" for a failure known only by its message (a computation
// that failed) and answers `req` with EIO.
void reply_failure(fuse_req_t req, std::string_view doing, std::string_view why);

}  // namespace taskfs::fs
