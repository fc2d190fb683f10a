// Inode numbers of the mount. Every result version gets its own inode, so the
// kernel's page cache of one version never serves another: a path whose result
// changes (rebuilt library, edited input) leads to a new inode on lookup.
#pragma once

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store.hpp"

namespace taskfs::fs {

enum class NodeKind { Root, ControlDir, ControlFile, TaskDir, Result };

// The files in .taskfs/.
enum class ControlFile { Status, Tasks, Graph, GraphPicture };
inline constexpr ControlFile kControlFiles[] = {ControlFile::Status, ControlFile::Tasks,
                                                ControlFile::Graph, ControlFile::GraphPicture};
inline constexpr std::string_view kControlDirName = ".taskfs";
std::string_view control_file_name(ControlFile file);
std::optional<ControlFile> control_file_named(std::string_view name);

struct Node {
  Node() = default;
  explicit Node(NodeKind k) : kind(k) {}

  NodeKind kind = NodeKind::Root;
  std::string task;       // TaskDir, Result
  std::string variant;    // Result: canonical variant
  ControlFile control{};  // ControlFile
  double created = 0;     // its mtime: when the result was stored, or first seen
  // Result: the version this inode is, or nullopt for "missing when looked up".
  std::optional<ResultInfo> cached;
  std::chrono::steady_clock::time_point looked_up;  // Result: the last lookup
};

class InodeTable {
 public:
  static constexpr fuse_ino_t kRoot = FUSE_ROOT_ID;
  static constexpr fuse_ino_t kControlDir = FUSE_ROOT_ID + 1;

  InodeTable();

  fuse_ino_t control_file(ControlFile file) const;
  fuse_ino_t task_dir(const std::string& task);
  // The inode of one version of a result; `created` is when it was stored.
  // The inode of a result as a lookup just found it: cached (`found`, whose
  // version it is) or missing. Records when: an open that follows at once may
  // rely on this lookup's check instead of repeating it.
  fuse_ino_t looked_up_result(const std::string& task, const std::string& variant,
                              const std::optional<ResultInfo>& found);
  // The node of an inode the kernel knows; nullopt for an unknown number.
  std::optional<Node> find(fuse_ino_t ino) const;

 private:
  fuse_ino_t intern(const std::string& name, Node node);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, fuse_ino_t> by_name_;
  std::vector<Node> nodes_;  // index: ino - kRoot
};

}  // namespace taskfs::fs
