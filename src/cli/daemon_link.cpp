#include "cli/daemon_link.hpp"

#include <sys/xattr.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace taskfs::cli {
namespace {

// The largest value the kernel passes for an extended attribute.
constexpr std::size_t kMaxAnswer = std::size_t{64} * 1024;
constexpr std::string_view kErrorPrefix = "error: ";

}  // namespace

std::optional<std::string> attribute_of(const std::filesystem::path& path, const char* name) {
  char value[4096];
  ssize_t n = ::getxattr(path.c_str(), name, value, sizeof value);
  if (n < 0) return std::nullopt;
  return std::string(value, static_cast<std::size_t>(n));
}

std::optional<std::filesystem::path> live_mount(const Project& project) {
  // The root of a serving mount names its store and library; a dead
  // daemon's mount answers ENOTCONN and a plain directory has no such
  // attribute: both mean no daemon. A daemon of another store or library
  // (another checkout's mount point in the config) is no daemon of ours; a
  // command that names no library (rm, gc, cancel) goes by the store alone.
  const std::filesystem::path& mount = project.mountpoint;
  auto serves = [&](const char* attribute, const std::filesystem::path& ours) {
    return ours.empty() ||
           attribute_of(mount, attribute) == std::filesystem::absolute(ours).string();
  };
  if (!attribute_of(mount, "user.taskfs.store") ||
      !serves("user.taskfs.store", project.engine.store_dir) ||
      !serves("user.taskfs.library", project.engine.library)) {
    return std::nullopt;
  }
  return mount;
}

std::string ask_daemon(const std::filesystem::path& file, const std::string& name,
                       const std::string& shown) {
  // One call with room for any answer: a request acts when it is asked, so
  // it is never asked twice (once for the size, once for the value).
  std::vector<char> answer(kMaxAnswer);
  ssize_t n = ::getxattr(file.c_str(), name.c_str(), answer.data(), answer.size());
  if (n < 0) {
    int err = errno;
    if (err == ENOENT || err == EINVAL || err == ENAMETOOLONG) {
      throw UsageError(shown + ": " + std::strerror(err) + " (see the daemon log)");
    }
    throw std::runtime_error(shown + ": the daemon did not answer: " + std::strerror(err));
  }
  std::string text(answer.data(), static_cast<std::size_t>(n));
  if (text.rfind(kErrorPrefix, 0) == 0) {
    std::string reason = text.substr(kErrorPrefix.size());
    if (!reason.empty() && reason.back() == '\n') reason.pop_back();
    throw std::runtime_error(reason);
  }
  return text;
}

}  // namespace taskfs::cli
