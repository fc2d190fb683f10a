// Extended attributes of results: user.taskfs.key, state, canonical, error, why;
// of the root: user.taskfs.store and library, what the daemon serves (which
// `taskfs run` checks before it reads through the mount). Other nodes have
// none; never ENOSYS, which would turn xattrs off for the mount.
#include <cerrno>
#include <cstring>
#include <optional>

#include "fs/errors.hpp"
#include "fs/filesystem.hpp"

namespace taskfs::fs {
namespace {

constexpr const char* kNames[] = {"user.taskfs.key", "user.taskfs.state", "user.taskfs.canonical",
                                  "user.taskfs.error", "user.taskfs.why"};

constexpr const char* kRootNames[] = {"user.taskfs.store", "user.taskfs.library"};

void reply_value(fuse_req_t req, const std::string& value, size_t size) {
  if (size == 0) return (void)fuse_reply_xattr(req, value.size());
  if (size < value.size()) return (void)fuse_reply_err(req, ERANGE);
  fuse_reply_buf(req, value.data(), value.size());
}

std::optional<std::string> attribute(Filesystem& fs, const Node& node, std::string_view name) {
  if (name == kNames[2]) return node.task + "/" + node.variant;
  auto request = fs.engine().resolve(node.task, node.variant);
  if (name == kNames[4]) return fs.engine().why(*request);
  Probe probe = fs.engine().probe(*request);
  if (name == kNames[0]) return probe.key ? probe.key->hex() : std::string();
  if (name == kNames[1]) return std::string(state_name(probe.state));
  if (name == kNames[3]) return probe.error;
  return std::nullopt;
}

}  // namespace

void fs_getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
  Filesystem& fs = Filesystem::of(req);
  auto node = fs.inodes().find(ino);
  if (!node) return (void)fuse_reply_err(req, ENOENT);
  if (node->kind == NodeKind::Root) {
    std::string_view n = name;
    if (n == kRootNames[0]) return reply_value(req, fs.engine().store_dir(), size);
    if (n == kRootNames[1]) return reply_value(req, fs.engine().library(), size);
  }
  if (node->kind != NodeKind::Result) return (void)fuse_reply_err(req, ENODATA);
  try {
    auto value = attribute(fs, *node, name);
    if (!value) return (void)fuse_reply_err(req, ENODATA);
    reply_value(req, *value, size);
  } catch (...) {
    int error_number = log_current_error("getxattr " + node->task + "/" + node->variant);
    // A path that no longer resolves (a rebuilt library dropped its task or
    // param) has no attributes; any other failure is one.
    fuse_reply_err(req, error_number == EIO ? EIO : ENODATA);
  }
}

void fs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
  Filesystem& fs = Filesystem::of(req);
  auto node = fs.inodes().find(ino);
  if (!node) return (void)fuse_reply_err(req, ENOENT);
  std::string names;
  if (node->kind == NodeKind::Result) {
    for (const char* n : kNames) names.append(n, std::strlen(n) + 1);
  } else if (node->kind == NodeKind::Root) {
    for (const char* n : kRootNames) names.append(n, std::strlen(n) + 1);
  }
  reply_value(req, names, size);
}

}  // namespace taskfs::fs
