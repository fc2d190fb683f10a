// Which input files may have changed, learned from inotify instead of a stat
// of each (as watchman and Bazel's --watchfs do): the long-lived daemon's
// no-op re-check of 10,000 unchanged files then stats none of them.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sys/fd.hpp"

namespace taskfs {

// Watches the directories that lead from the project root to input files.
// A file's stat taken after cover_parent() returned true stays true until an
// event names the file, one of the directories above it, or events were lost.
// Only local filesystems are watched (a change made on another machine to a
// network filesystem makes no event here), and no path through a symbolic
// link. Not thread-safe: the caller serializes calls.
class FileWatch {
 public:
  // `root`: an absolute directory without a trailing slash. Without inotify
  // (or watches to spare) every cover call is false and nothing is trusted.
  explicit FileWatch(std::string root);

  // True when every directory from the root down to `full`'s parent is
  // watched; adds the missing watches. False for a path outside the root, one
  // that is not spelled plainly (".", "..", "//"), or through a directory
  // that cannot be watched.
  bool cover_parent(const std::string& full);
  // The same down to the directory `dir` itself (its entries are watched).
  bool cover_directory(const std::string& dir);

  // What the events since the last call say may have changed.
  struct Changes {
    std::vector<std::string> paths;     // a file or directory created, written, removed, moved
    std::vector<std::string> listings;  // a directory whose entries changed
    std::vector<std::string> subtrees;  // a directory gone or moved: every path below it
    bool everything = false;            // events were lost
  };
  Changes drain();

 private:
  bool watch(const std::string& dir);
  // Stops watching `dir` and every watched directory below it.
  void forget(const std::string& dir);

  std::string root_;
  Fd inotify_;
  std::unordered_map<std::string, int> watched_;    // directory -> watch descriptor
  std::unordered_map<int, std::string> directory_;  // watch descriptor -> directory
  std::unordered_set<std::string> refused_;         // not watchable (a link, another filesystem)
};

}  // namespace taskfs
