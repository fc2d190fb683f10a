#include "key/file_watch.hpp"

#include <linux/magic.h>
#include <sys/inotify.h>
#include <sys/vfs.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "log.hpp"

namespace taskfs {
namespace {

// Everything that can change a file below a directory, its name or its
// attributes. IN_DONT_FOLLOW and IN_ONLYDIR refuse a symbolic link to a
// directory: a change to where it points makes no event here.
constexpr std::uint32_t kEvents = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE |
                                  IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                  IN_DONT_FOLLOW | IN_ONLYDIR;
// Events that change a directory's list of entries.
constexpr std::uint32_t kListingEvents = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;

// Filesystems whose every change is made through this kernel, so that it
// makes an event: not NFS, FUSE or overlayfs's lower layers.
bool local_filesystem(const std::string& dir) {
  struct statfs fs {};
  if (::statfs(dir.c_str(), &fs) != 0) return false;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case EXT4_SUPER_MAGIC:  // also ext2 and ext3
    case XFS_SUPER_MAGIC:
    case BTRFS_SUPER_MAGIC:
    case TMPFS_MAGIC:
    case F2FS_SUPER_MAGIC:
      return true;
    default:
      return false;
  }
}

// A path spelled plainly: no empty, "." or ".." component, so that its
// directories' names are prefixes of it.
bool plain(const std::string& path) {
  return path.find("//") == std::string::npos && path.find("/./") == std::string::npos &&
         path.find("/../") == std::string::npos && !path.ends_with("/.") && !path.ends_with("/..");
}

}  // namespace

FileWatch::FileWatch(std::string root)
    : root_(std::move(root)), inotify_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (!inotify_) {
    log_line(std::string("input files: no inotify (") + std::strerror(errno) +
             "); each re-check stats every input file");
  }
}

bool FileWatch::cover_parent(const std::string& full) {
  std::size_t slash = full.rfind('/');
  return slash != std::string::npos && cover_directory(full.substr(0, slash));
}

bool FileWatch::cover_directory(const std::string& dir) {
  if (watched_.contains(dir)) return true;  // and so is every directory above it
  if (!inotify_ || !plain(dir)) return false;
  if (dir != root_ && !(dir.starts_with(root_) && dir[root_.size()] == '/')) return false;
  // From the root down, so that a directory is watched only below watched ones.
  for (std::size_t end = root_.size(); end != std::string::npos; end = dir.find('/', end + 1)) {
    std::string above = dir.substr(0, end);
    if (!watched_.contains(above) && !watch(above)) return false;
    if (end == dir.size()) break;
  }
  return watch(dir);
}

bool FileWatch::watch(const std::string& dir) {
  if (watched_.contains(dir)) return true;
  if (refused_.contains(dir)) return false;
  int wd = ::inotify_add_watch(inotify_.get(), dir.c_str(), kEvents);
  if (wd < 0) {
    if (errno == ENOSPC) {
      log_line("input files: out of inotify watches (fs.inotify.max_user_watches); files in " +
               dir + " are stat'ed on each re-check");
      refused_.insert(dir);
    } else if (errno == ENOTDIR) {
      refused_.insert(dir);  // a symbolic link: its target may change without an event here
    }
    return false;  // ENOENT and the like: it may exist later
  }
  if (!local_filesystem(dir)) {
    ::inotify_rm_watch(inotify_.get(), wd);
    refused_.insert(dir);
    return false;
  }
  watched_[dir] = wd;
  directory_[wd] = dir;
  return true;
}

void FileWatch::forget(const std::string& dir) {
  for (auto it = watched_.begin(); it != watched_.end();) {
    const std::string& d = it->first;
    if (d == dir || (d.starts_with(dir) && d[dir.size()] == '/')) {
      ::inotify_rm_watch(inotify_.get(), it->second);
      directory_.erase(it->second);
      it = watched_.erase(it);
    } else {
      ++it;
    }
  }
}

FileWatch::Changes FileWatch::drain() {
  Changes changes;
  if (!inotify_) return changes;
  alignas(struct inotify_event) char buffer[64 * 1024];
  while (true) {
    ssize_t got = ::read(inotify_.get(), buffer, sizeof buffer);
    if (got <= 0) {
      if (got < 0 && errno == EINTR) continue;
      break;  // EAGAIN: no more events
    }
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const struct inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(struct inotify_event) + event->len);
      if (event->mask & IN_Q_OVERFLOW) {
        changes.everything = true;
        continue;
      }
      auto found = directory_.find(event->wd);
      if (found == directory_.end()) continue;  // a watch already forgotten
      std::string dir = found->second;
      if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)) {
        changes.subtrees.push_back(dir);
        forget(dir);
        continue;
      }
      if (event->len == 0) continue;
      std::string path = dir + "/" + event->name;
      changes.paths.push_back(path);
      if (event->mask & kListingEvents) changes.listings.push_back(dir);
      // A watched directory replaced, moved, removed or its permissions changed.
      if (watched_.contains(path)) {
        changes.subtrees.push_back(path);
        forget(path);
      }
    }
  }
  return changes;
}

}  // namespace taskfs
