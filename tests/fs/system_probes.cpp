#include "system_probes.hpp"

#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "../common/file_io.hpp"

namespace taskfs::fstest {
namespace {

struct MountEntry {
  std::string target;
  std::string type;
};

// /proc/self/mounts in mount order (a later mount on a path hides an earlier one).
std::vector<MountEntry> mount_table() {
  std::ifstream mounts("/proc/self/mounts");
  std::string device, target, type, rest;
  std::vector<MountEntry> table;
  while (mounts >> device >> target >> type && std::getline(mounts, rest)) {
    table.push_back({target, type});
  }
  return table;
}

// The state letter of /proc/<pid>/stat ('R', 'S', 'D', 'Z', ...), or 0 if gone.
char process_state(pid_t pid) {
  std::string stat = test::read_file_or_empty("/proc/" + std::to_string(pid) + "/stat");
  std::size_t paren = stat.rfind(')');  // the command name may hold spaces
  return paren == std::string::npos || paren + 2 >= stat.size() ? 0 : stat[paren + 2];
}

}  // namespace

std::optional<std::string> mount_type(const std::filesystem::path& path) {
  std::optional<std::string> found;
  for (const MountEntry& entry : mount_table()) {
    if (entry.target == path.string()) found = entry.type;
  }
  return found;
}

std::vector<std::filesystem::path> mounts_under(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> found;
  for (const MountEntry& entry : mount_table()) {
    if (entry.target.starts_with(dir.string() + "/")) found.insert(found.begin(), entry.target);
  }
  return found;
}

bool filesystem_answers(const std::filesystem::path& path) {
  struct statfs info {};
  return ::statfs(path.c_str(), &info) == 0;
}

long current_syscall(pid_t pid) {
  std::istringstream syscall(test::read_file_or_empty("/proc/" + std::to_string(pid) + "/syscall"));
  long number = -1;
  return syscall >> number ? number : -1;  // "running" does not parse
}

bool blocked_in_fuse_open(pid_t pid) {
  std::string proc = "/proc/" + std::to_string(pid);
  long number = current_syscall(pid);
  if (number != SYS_openat && number != SYS_open) return false;
  char state = process_state(pid);
  if (state != 'S' && state != 'D') return false;
  // The kernel stack names the FUSE request it waits on, when it can be read.
  std::string stack = test::read_file_or_empty(proc + "/stack");
  return stack.empty() || stack.find("fuse") != std::string::npos;
}

std::vector<pid_t> child_processes(pid_t pid) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (const auto& thread :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::istringstream list(test::read_file_or_empty((thread.path() / "children").string()));
    for (pid_t child; list >> child;) children.push_back(child);
  }
  return children;
}

bool process_alive(pid_t pid) {
  char state = process_state(pid);
  if (state == 0) return false;
  if (state != 'Z' && state != 'X') return true;
  // The leader of a thread group shows 'Z' as soon as it exits, while its
  // other threads may still be exiting: until they are gone, its parent
  // cannot reap it and still sees it running (an ASan build's worker has
  // threads of the runtime's own).
  std::error_code ec;
  std::filesystem::directory_iterator threads("/proc/" + std::to_string(pid) + "/task", ec);
  return !ec && std::distance(threads, std::filesystem::directory_iterator()) > 1;
}

std::optional<std::string> read_xattr(const std::filesystem::path& path, const std::string& name) {
  std::string value(4096, '\0');
  ssize_t n = ::getxattr(path.c_str(), name.c_str(), value.data(), value.size());
  if (n < 0) return std::nullopt;
  value.resize(static_cast<std::size_t>(n));
  return value;
}

}  // namespace taskfs::fstest
