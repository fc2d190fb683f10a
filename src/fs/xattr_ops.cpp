// Extended attributes of results, collections and elements: user.taskfs.key,
// state, canonical, error, why (and of an .each directory, progress, with
// state `partial` while only some elements are cached); of the root: user.taskfs.store and library,
// what the daemon serves (how the CLI tells that a mount is its project's,
// cli/daemon_link.hpp). Other nodes have none; never ENOSYS, which would turn
// xattrs off for the mount.
//
// Requests to the daemon are xattrs too (the CLI's one way in):
// user.taskfs.rm of a result forgets it, user.taskfs.cancel stops its
// computation (of an element, its collection's: elements answer for their
// collection), and user.taskfs.gc[:BYTES] of .taskfs/ evicts. The mount is
// read-only, so they are read, not set; they act when asked, so they are
// never listed (`getfattr -d` never asks for them).
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <optional>

#include "engine/reports.hpp"
#include "fs/errors.hpp"
#include "fs/filesystem.hpp"
#include "spec/variant.hpp"

namespace taskfs::fs {
namespace {

constexpr const char* kNames[] = {"user.taskfs.key", "user.taskfs.state", "user.taskfs.canonical",
                                  "user.taskfs.error", "user.taskfs.why"};

// Of the directory of an .each task (SPEC 6): "k/n" of its elements cached.
constexpr const char* kProgress = "user.taskfs.progress";

constexpr std::string_view kCancel = "user.taskfs.cancel";
// What a cancel says is at most this long: asking only for the size (getfattr
// does, first) must not cancel, so the size is given before the answer exists.
constexpr std::size_t kCancelAnswerMax = 64;

std::string cancel(Engine& engine, const Request& request) {
  std::size_t stopped = engine.cancel(request);
  if (stopped == 0) return "nothing to cancel\n";
  return "cancelled " + std::to_string(stopped) + " computation" + (stopped > 1 ? "s" : "") + "\n";
}

constexpr const char* kRootNames[] = {"user.taskfs.store", "user.taskfs.library"};

void reply_value(fuse_req_t req, const std::string& value, size_t size) {
  if (size == 0) return (void)fuse_reply_xattr(req, value.size());
  if (size < value.size()) return (void)fuse_reply_err(req, ERANGE);
  fuse_reply_buf(req, value.data(), value.size());
}

constexpr std::string_view kForget = "user.taskfs.rm";
constexpr std::string_view kCollect = "user.taskfs.gc";

// The answer to a request: its report, or its failure as "error: ...".
std::string answer(const std::function<std::string()>& act) {
  try {
    return act();
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what() + "\n";
  }
}

// user.taskfs.gc (to the daemon's store_max_size) or user.taskfs.gc:BYTES.
std::optional<std::string> collect_request(Filesystem& fs, std::string_view name) {
  if (name.substr(0, kCollect.size()) != kCollect) return std::nullopt;
  std::string_view size = name.substr(kCollect.size());
  return answer([&] {
    std::optional<std::uint64_t> max_bytes;
    if (!size.empty()) {
      std::uint64_t bytes = 0;
      auto [end, ec] = std::from_chars(size.data() + 1, size.data() + size.size(), bytes);
      if (size[0] != ':' || ec != std::errc{} || end != size.data() + size.size()) {
        throw std::invalid_argument("a gc request is user.taskfs.gc:BYTES");
      }
      max_bytes = bytes;
    }
    return eviction_report(fs.engine().collect(max_bytes));
  });
}

// Whether a node has the attributes: results, and collections and their
// elements, which answer for their collection except for their own name.
bool has_attributes(const Node& node) {
  return node.kind == NodeKind::Result || node.kind == NodeKind::Collection ||
         node.kind == NodeKind::Element;
}

std::optional<std::string> attribute(Filesystem& fs, const Node& node, std::string_view name) {
  if (name == kNames[2]) {
    std::string canonical = node.task + "/" + node.variant;
    if (node.kind == NodeKind::Element) canonical += "/" + spec::element_file_name(node.element);
    return canonical;
  }
  // Names of others (ls -l asks for security.selinux and ACLs on every
  // file) are answered before any probe: probing an element of an .each
  // collection walks its whole source.
  if (name != kNames[0] && name != kNames[1] && name != kNames[3] && name != kNames[4] &&
      name != kProgress && name != kCancel && name != kForget) {
    return std::nullopt;
  }
  auto request = fs.engine().resolve(node.task, node.variant);
  if (name == kNames[4]) return fs.engine().why(*request, Reading::Marked);
  if (name == kCancel) return cancel(fs.engine(), *request);
  if (name == kForget) {
    return answer([&] {
      return forget_report(request->plan.canonical_path(), fs.engine().forget(*request));
    });
  }
  bool each = node.kind == NodeKind::Collection && request->plan.target().task->each();
  if (name == kProgress) {
    std::optional<EachProgress> progress =
        each ? fs.engine().each_progress(*request) : std::nullopt;
    if (!progress) return std::nullopt;
    return std::to_string(progress->cached) + "/" + std::to_string(progress->total);
  }
  Probe probe = fs.engine().probe(*request);
  if (name == kNames[0]) return probe.key ? probe.key->hex() : std::string();
  if (name == kNames[1] && each && probe.state == ResultState::Missing) {
    // Some of its elements cached on their own: partial.
    std::optional<EachProgress> progress = fs.engine().each_progress(*request);
    if (progress && progress->cached > 0) return std::string("partial");
  }
  if (name == kNames[1]) return std::string(state_name(probe.state));
  if (name == kNames[3]) return probe.error;
  return std::nullopt;
}

}  // namespace

void fs_getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
  Filesystem& fs = Filesystem::of(req);
  auto node = fs.inodes().find(ino);
  if (!node) return (void)fuse_reply_err(req, ENOENT);
  if (node->kind == NodeKind::ControlDir) {
    auto value = collect_request(fs, name);
    if (!value) return (void)fuse_reply_err(req, ENODATA);
    return reply_value(req, *value, size);
  }
  if (node->kind == NodeKind::Root) {
    std::string_view n = name;
    if (n == kRootNames[0]) return reply_value(req, fs.engine().store_dir(), size);
    if (n == kRootNames[1]) return reply_value(req, fs.engine().library(), size);
  }
  if (!has_attributes(*node)) return (void)fuse_reply_err(req, ENODATA);
  if (name == kCancel && size == 0) return (void)fuse_reply_xattr(req, kCancelAnswerMax);
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
  if (has_attributes(*node)) {
    for (const char* n : kNames) names.append(n, std::strlen(n) + 1);
    if (node->kind == NodeKind::Collection && fs.runs_each(node->task)) {
      names.append(kProgress, std::strlen(kProgress) + 1);
    }
  } else if (node->kind == NodeKind::Root) {
    for (const char* n : kRootNames) names.append(n, std::strlen(n) + 1);
  }
  reply_value(req, names, size);
}

}  // namespace taskfs::fs
