#include "fs/mount_point.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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
constexpr const char* kLockName = "daemon.lock";
constexpr int kReadaheadKiB = 1024;
constexpr const char* kFuseConf = "/etc/fuse.conf";

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

void check_allow_other() {
  if (::geteuid() == 0) return;
  std::ifstream conf(kFuseConf);
  for (std::string line; std::getline(conf, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string word;
    if (words >> word && word == "user_allow_other") return;
  }
  throw std::runtime_error(
      std::string("--allow-other (allow_other in taskfs.ini) needs root, or the line "
                  "'user_allow_other' in ") +
      kFuseConf + ", which " + (conf.is_open() ? "lacks it" : "cannot be read") +
      "; add that line as root, or mount without it");
}

bool is_mounted(const std::filesystem::path& mountpoint) {
  return !mounted_type(mountpoint).empty();
}

int unmount_path(const std::filesystem::path& mountpoint, bool lazy) {
  const char* flag = lazy ? "-uz" : "-u";
  if (spawn_wait("fusermount3", {"fusermount3", flag, mountpoint.c_str()}) == 0) return 0;
  return ::umount2(mountpoint.c_str(), lazy ? MNT_DETACH : 0) == 0 ? 0 : -1;
}

namespace {

// A FUSE mount whose daemon died: stat() of it fails with ENOTCONN, unless the
// kernel still answers from its cache; statfs() always asks the daemon.
bool stale_mount_on(const std::filesystem::path& mountpoint) {
  struct stat st {};
  if (::stat(mountpoint.c_str(), &st) != 0) return errno == ENOTCONN;
  struct statfs sfs {};
  return is_mounted(mountpoint) && ::statfs(mountpoint.c_str(), &sfs) != 0 && errno == ENOTCONN;
}

}  // namespace

void check_mountpoint(const std::filesystem::path& mountpoint) {
  if (stale_mount_on(mountpoint)) return;
  struct stat st {};
  if (::stat(mountpoint.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      throw std::runtime_error("cannot use mount point " + mountpoint.string() + ": " +
                               std::strerror(errno));
    }
    std::filesystem::create_directories(mountpoint);
  }
  if (is_mounted(mountpoint)) {
    throw std::runtime_error(mountpoint.string() + " is already mounted (" +
                             mounted_type(mountpoint) + "); run 'taskfs unmount' first");
  }
  if (!std::filesystem::is_directory(mountpoint)) {
    throw std::runtime_error("mount point " + mountpoint.string() + " is not a directory");
  }
}

void clear_stale_mount(const std::filesystem::path& mountpoint) {
  if (stale_mount_on(mountpoint) && unmount_path(mountpoint, true) != 0) {
    throw std::runtime_error("cannot clean up the stale mount on " + mountpoint.string() + ": " +
                             std::strerror(errno));
  }
}

StoreLock::StoreLock(const StoreDir& store, const std::filesystem::path& mountpoint) {
  std::string path = (store.path() / kLockName).string();
  fd_.reset(store.open(kLockName, O_RDWR | O_CREAT));
  if (!fd_) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  // A daemon that was just unmounted may still be exiting: give it a moment,
  // but only while its mount point is no longer mounted.
  for (int attempt = 0; ::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0; ++attempt) {
    char holder[512];
    ssize_t n = ::pread(fd_.get(), holder, sizeof holder, 0);
    std::string description(holder, static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    std::size_t on = description.find(kMountedOn);
    bool exiting = on != std::string::npos &&
                   mounted_type(description.substr(on + std::strlen(kMountedOn))).empty();
    if (!exiting || attempt == 250) {
      throw std::runtime_error("another taskfs daemon serves the store " + store.path().string() +
                               " (" + description + "); unmount it first");
    }
    ::usleep(20'000);
  }
  // The holder's description is for the message above; the lock is what counts.
  std::string me = "pid " + std::to_string(::getpid()) + kMountedOn + mountpoint.string();
  [[maybe_unused]] bool described =
      ::ftruncate(fd_.get(), 0) == 0 && ::pwrite(fd_.get(), me.data(), me.size(), 0) >= 0;
}

}  // namespace taskfs::fs
