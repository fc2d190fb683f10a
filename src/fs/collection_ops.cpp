// Collections in the mount (SPEC 6): a collection result is a directory and
// each element a file. Looking up an element is one store query; a collection
// or element that is not computed yet is computed by opendir or open, as a
// missing result is by open, never by lookup.
#include <cerrno>

#include "fs/errors.hpp"
#include "fs/filesystem.hpp"
#include "log.hpp"
#include "spec/variant.hpp"

namespace taskfs::fs {

void Filesystem::lookup_collection(fuse_req_t req, const std::string& task,
                                   const std::string& variant, const Probe& probe) {
  std::optional<CollectionInfo> collection;
  if (probe.result) collection = engine_.collection_of(*probe.result);
  // A result whose elements are gone (a damaged store) is missing: reading
  // it computes it again.
  std::optional<ResultInfo> found = collection ? probe.result : std::nullopt;
  reply_entry(req, inodes_.looked_up_collection(task, variant, found, collection, probe.key));
}

void Filesystem::lookup_element(fuse_req_t req, const Node& dir, const char* name) {
  std::string path = dir.task + "/" + dir.variant + "/" + name;
  std::optional<std::string> element = spec::element_name(name);
  if (!element) {
    log_line(path + ": not an element name (a malformed percent escape)");
    return (void)fuse_reply_err(req, ENOENT);
  }
  if (!dir.collection) {
    // Not computed yet: which names exist is known once it is (at open).
    return reply_entry(req, inodes_.looked_up_element(dir, *element, std::nullopt));
  }
  std::optional<ElementInfo> found;
  try {
    found = engine_.find_element(*dir.collection, *element);
  } catch (...) {
    return reply_current_error(req, "lookup " + path);
  }
  if (!found) {
    // Shells probe names often; only plausible ones are worth a log line.
    if (name[0] != '.') log_line(path + ": no such element");
    return (void)fuse_reply_err(req, ENOENT);
  }
  reply_entry(req, inodes_.looked_up_element(dir, *element, found));
}

void Filesystem::opendir_collection(fuse_req_t req, fuse_ino_t ino, const Node& dir,
                                    fuse_file_info* fi) {
  if (dir.collection) return reply_listing(req, *fi, ino, dir);
  std::string path = dir.task + "/" + dir.variant;
  compute_for(req, dir.task, dir.variant,
              [this, req, ino, dir, path, info = *fi](const Outcome& outcome) {
                if (!outcome.ok) return reply_failure(req, "list " + path, outcome.error);
                Node computed = dir;
                computed.cached = outcome.result;
                try {
                  computed.collection = engine_.collection_of(outcome.result);
                } catch (...) {
                  return reply_current_error(req, "list " + path);
                }
                if (!computed.collection) {
                  return reply_failure(req, "list " + path, "its elements are not in the store");
                }
                reply_listing(req, info, ino, computed);
              });
}

}  // namespace taskfs::fs
