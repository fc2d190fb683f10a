#include "cli/daemon_link.hpp"

#include <sys/xattr.h>
#include <unistd.h>

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

std::optional<std::filesystem::path> live_mount(const Project& project) {
  // Only a serving daemon has .taskfs/status; a mount point without one is a
  // plain directory (and a dead mount fails the access).
  if (::access((project.mountpoint / ".taskfs" / "status").c_str(), F_OK) != 0) {
    return std::nullopt;
  }
  return project.mountpoint;
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
