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
    // Not computed yet: which names exist is known once it is (at open). An
    // element of an .each task may be cached on its own: its true size.
    std::optional<ElementInfo> cached;
    try {
      std::optional<ResultInfo> result;
      if (runs_each(dir.task)) {
        result = engine_.cached_element(*engine_.resolve(dir.task, dir.variant), *element);
      }
      if (result) cached = ElementInfo{0, *element, *result, std::nullopt};
    } catch (...) {
      log_current_error("lookup " + path);  // shown as missing: its open says why
    }
    return reply_entry(req, inodes_.looked_up_element(dir, *element, cached));
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
  if (runs_each(dir.task)) {
    // Its names need its source only, never its elements.
    return compute_for(req, dir.task, dir.variant,
                       [this, req, ino, dir, path, info = *fi](const Outcome& outcome) {
                         if (!outcome.ok) return reply_failure(req, "list " + path, outcome.error);
                         reply_listing(req, info, ino, dir, outcome.names);
                       },
                       {TargetPart::Kind::Names, {}});
  }
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

bool Filesystem::runs_each(const std::string& task) {
  const TaskInfo* info = engine_.catalog().catalog->find(task);
  return info != nullptr && info->each();
}

}  // namespace taskfs::fs
