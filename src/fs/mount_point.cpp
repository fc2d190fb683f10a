#include "fs/mount_point.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace taskfs::fs {
namespace {

constexpr const char* kMountedOn = ", mounted on ";
constexpr int kReadaheadKiB = 1024;

// The fstype /proc/self/mounts gives for `path`, or empty when nothing is mounted there.
std::string mounted_type(const std::filesystem::path& path) {
  std::ifstream mounts("/proc/self/mounts");
  std::string device, target, type, rest;
  std::string found;
  while (mounts >> device >> target >> type && std::getline(mounts, rest)) {
    if (target == path.string()) found = type;  // the last mount on a path is the visible one
  }
  return found;
}

int spawn_wait(const char* program, std::vector<const char*> argv) {
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (::posix_spawnp(&pid, program, nullptr, nullptr, const_cast<char* const*>(argv.data()),
                     environ) != 0) {
    return -1;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string raise_readahead(const std::filesystem::path& mountpoint) {
  // mountinfo: id parent major:minor root mountpoint ...; the mount's backing
  // device info is /sys/class/bdi/<major:minor>.
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line, device;
  while (std::getline(mountinfo, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, target;
    fields >> id >> parent >> dev >> root >> target;
    if (target == mountpoint.string()) device = dev;
  }
  if (device.empty()) return "mount not found in /proc/self/mountinfo";
  std::ofstream knob("/sys/class/bdi/" + device + "/read_ahead_kb");
  knob << kReadaheadKiB << std::flush;
  return knob ? std::string() : "cannot write /sys/class/bdi/" + device + "/read_ahead_kb";
}

bool is_mounted(const std::filesystem::path& mountpoint) {
  return !mounted_type(mountpoint).empty();
}

int unmount_path(const std::filesystem::path& mountpoint, bool lazy) {
  const char* flag = lazy ? "-uz" : "-u";
  if (spawn_wait("fusermount3", {"fusermount3", flag, mountpoint.c_str()}) == 0) return 0;
  return ::umount2(mountpoint.c_str(), lazy ? MNT_DETACH : 0) == 0 ? 0 : -1;
}

void prepare_mountpoint(const std::filesystem::path& mountpoint) {
  struct stat st {};
  if (::stat(mountpoint.c_str(), &st) != 0) {
    if (errno == ENOTCONN) {
      // A FUSE mount whose daemon died: take it away and mount afresh.
      if (unmount_path(mountpoint, true) != 0) {
        throw std::runtime_error("cannot clean up the stale mount on " + mountpoint.string() +
                                 ": " + std::strerror(errno));
      }
    } else if (errno == ENOENT) {
      std::filesystem::create_directories(mountpoint);
    } else {
      throw std::runtime_error("cannot use mount point " + mountpoint.string() + ": " +
                               std::strerror(errno));
    }
  }
  if (is_mounted(mountpoint)) {
    // stat() of a dead FUSE mount may still be answered from the kernel's
    // cache; statfs() always asks the daemon.
    struct statfs sfs {};
    if (::statfs(mountpoint.c_str(), &sfs) != 0 && errno == ENOTCONN) {
      if (unmount_path(mountpoint, true) != 0) {
        throw std::runtime_error("cannot clean up the stale mount on " + mountpoint.string());
      }
    } else {
      throw std::runtime_error(mountpoint.string() + " is already mounted (" +
                               mounted_type(mountpoint) + "); run 'taskfs unmount' first");
    }
  }
  if (!std::filesystem::is_directory(mountpoint)) {
    throw std::runtime_error("mount point " + mountpoint.string() + " is not a directory");
  }
}

StoreLock::StoreLock(const std::filesystem::path& store, const std::filesystem::path& mountpoint) {
  std::filesystem::create_directories(store);
  std::string path = (store / "daemon.lock").string();
  fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd_) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  // A daemon that was just unmounted may still be exiting: give it a moment,
  // but only while its mount point is no longer mounted.
  for (int attempt = 0; ::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0; ++attempt) {
    std::ifstream holder(path);
    std::stringstream who;
    who << holder.rdbuf();
    std::string description = who.str();
    std::size_t on = description.find(kMountedOn);
    bool exiting = on != std::string::npos &&
                   mounted_type(description.substr(on + std::strlen(kMountedOn))).empty();
    if (!exiting || attempt == 250) {
      throw std::runtime_error("another taskfs daemon serves the store " + store.string() + " (" +
                               description + "); unmount it first");
    }
    ::usleep(20'000);
  }
  // The holder's description is for the message above; the lock is what counts.
  std::string me = "pid " + std::to_string(::getpid()) + kMountedOn + mountpoint.string();
  [[maybe_unused]] bool described =
      ::ftruncate(fd_.get(), 0) == 0 && ::pwrite(fd_.get(), me.data(), me.size(), 0) >= 0;
}

}  // namespace taskfs::fs
