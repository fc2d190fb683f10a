// The team cache's tables in PostgreSQL, versioned like the local store's.
#pragma once

#include <stdexcept>

#include "remote/pg.hpp"

namespace taskfs::remote {

// The remote's schema version this build reads and writes.
inline constexpr int kRemoteSchemaVersion = 1;

// A remote whose schema this build must not touch (written by a newer taskfs).
class SchemaError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Creates the tables on first use, or checks their version. Safe when many
// machines connect at once: creation runs under an advisory lock. Throws
// SchemaError for an unknown version, pg::Error when the server fails.
void ensure_schema(pg::Connection& connection);

}  // namespace taskfs::remote
