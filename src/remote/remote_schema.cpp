#include "remote/remote_schema.hpp"

#include <string>

namespace taskfs::remote {
namespace {

// Any constant shared by every taskfs: the advisory lock that serializes
// schema creation across machines.
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7346318027)";

// Chunks are stored uncompressed out of line (STORAGE EXTERNAL): results are
// often already compressed, and skipping pglz's attempt keeps transfers at
// disk and socket speed. A blob row is written after all its chunks, in the
// same transaction, so a blob row means a whole blob.
constexpr const char* kSchema = R"sql(
CREATE TABLE taskfs_meta(name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE taskfs_blobs(hash bytea PRIMARY KEY, size bigint NOT NULL, chunks bigint NOT NULL);
CREATE TABLE taskfs_chunks(hash bytea NOT NULL, idx bigint NOT NULL, data bytea NOT NULL,
                           PRIMARY KEY(hash, idx));
ALTER TABLE taskfs_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE taskfs_results(
  key bytea PRIMARY KEY, task text NOT NULL, variant text NOT NULL,
  value_hash bytea NOT NULL, value_size bigint NOT NULL,
  view_hash bytea NOT NULL, view_offset bigint NOT NULL, view_size bigint NOT NULL,
  created double precision NOT NULL);
)sql";

}  // namespace

void ensure_schema(pg::Connection& connection) {
  connection.exec("BEGIN");
  try {
    connection.exec(kSchemaLock);
    auto has_meta = connection.query("SELECT to_regclass('taskfs_meta') IS NOT NULL");
    bool exists = has_meta.bytes(0, 0) == std::string_view("\1", 1);
    if (!exists) {
      connection.exec(kSchema);
      connection.query("INSERT INTO taskfs_meta VALUES('schema_version', $1)",
                       pg::Params().text(std::to_string(kRemoteSchemaVersion)));
    }
    auto version = connection.query("SELECT value FROM taskfs_meta WHERE name='schema_version'");
    std::string found = version.rows() == 1 ? std::string(version.bytes(0, 0)) : "none";
    if (found != std::to_string(kRemoteSchemaVersion)) {
      throw SchemaError("the remote cache has schema version " + found + ", this taskfs reads " +
                        std::to_string(kRemoteSchemaVersion) +
                        "; not using it (upgrade taskfs on this machine)");
    }
    connection.exec("COMMIT");
  } catch (...) {
    if (connection.ok()) connection.exec("ROLLBACK");
    throw;
  }
}

}  // namespace taskfs::remote
