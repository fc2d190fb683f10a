// Inode numbers of the mount. Every result version gets its own inode, so the
// kernel's page cache of one version never serves another: a path whose result
// changes (rebuilt library, edited input) leads to a new inode on lookup.
// Result inodes live while the kernel knows them: each lookup that returns
// one counts, each FORGET uncounts, and at zero it is freed. Numbers are never
// reused.
#pragma once

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/engine.hpp"

namespace taskfs::fs {

// LogDir is .taskfs/log, LogTaskDir .taskfs/log/<task>, LogFile the latest
// run's output of .taskfs/log/<task>/<variant>. A Collection is a directory
// whose entries are its Elements (SPEC 6).
enum class NodeKind {
  Root,
  ControlDir,
  ControlFile,
  TaskDir,
  Result,
  Collection,
  Element,
  LogDir,
  LogTaskDir,
  LogFile
};

// The files in .taskfs/.
enum class ControlFile { Status, Tasks, Graph, GraphPicture };
inline constexpr ControlFile kControlFiles[] = {ControlFile::Status, ControlFile::Tasks,
                                                ControlFile::Graph, ControlFile::GraphPicture};
inline constexpr std::string_view kControlDirName = ".taskfs";
inline constexpr std::string_view kLogDirName = "log";  // in .taskfs/
std::string_view control_file_name(ControlFile file);
std::optional<ControlFile> control_file_named(std::string_view name);

struct Node {
  Node() = default;
  explicit Node(NodeKind k) : kind(k) {}

  NodeKind kind = NodeKind::Root;
  std::string task;       // TaskDir, Result, Collection, Element, LogTaskDir, LogFile
  std::string variant;    // Result, Collection, Element, LogFile: canonical variant
  std::string element;    // Element: its name (decoded)
  ControlFile control{};  // ControlFile
  double created = 0;     // its mtime: when the result was stored, or first seen
  // Result, Collection, Element: the version this inode is, as the lookup
  // that made it found it (its probe, handed on to open), or nullopt for
  // "missing when looked up".
  std::optional<ResultInfo> cached;
  // Result, Collection, Element: the cache key of the result (for an element,
  // its collection's) as the latest lookup found it; reads are counted by key.
  std::optional<Hash128> key;
  // Collection, Element: where the collection's elements are, when cached.
  std::optional<CollectionInfo> collection;
  // Element, cached: its place in the collection, where open finds its row
  // (a small element's bytes are there, not kept in memory per inode).
  std::uint64_t index = 0;
};

class InodeTable {
 public:
  static constexpr fuse_ino_t kRoot = FUSE_ROOT_ID;
  static constexpr fuse_ino_t kControlDir = FUSE_ROOT_ID + 1;

  InodeTable();

  fuse_ino_t control_file(ControlFile file) const;
  // The inode of a task's directory; kept for the mount's life (there are
  // only as many as tasks).
  fuse_ino_t task_dir(const std::string& task);
  // The inode of a result as a lookup just found it: cached (`found`, whose
  // version it is) or missing. Counts one lookup of it: reply with it.
  fuse_ino_t looked_up_result(const std::string& task, const std::string& variant,
                              const std::optional<ResultInfo>& found,
                              const std::optional<Hash128>& key);
  // The inode of a collection's directory as a lookup found it: one version
  // (`found`, its elements `collection`, the result's `key`) or missing.
  // Counts one lookup.
  fuse_ino_t looked_up_collection(const std::string& task, const std::string& variant,
                                  const std::optional<ResultInfo>& found,
                                  const std::optional<CollectionInfo>& collection,
                                  const std::optional<Hash128>& key);
  // The inode of the element named `element` in the collection directory
  // `dir`, as a lookup found it (`found`: where its bytes are) or missing.
  // Counts one lookup; its reads count for the collection's key.
  fuse_ino_t looked_up_element(const Node& dir, const std::string& element,
                               const std::optional<ElementInfo>& found);
  // .taskfs/log, and its directory of `task` (kept for the mount's life).
  fuse_ino_t log_dir() const;
  fuse_ino_t log_task_dir(const std::string& task);
  // The inode of the log of task/variant (canonical), whichever run's it is
  // when read. Counts one lookup of it, as looked_up_result does.
  fuse_ino_t looked_up_log(const std::string& task, const std::string& variant);
  // The kernel dropped `count` lookups of `ino`; a result, collection,
  // element or log inode left with none is freed. Other inodes are permanent.
  void forget(fuse_ino_t ino, std::uint64_t count);
  // The node of an inode the kernel knows; nullopt for an unknown number.
  std::optional<Node> find(fuse_ino_t ino) const;

 private:
  struct Entry {
    Node node;
    std::string name;           // its key in by_name_
    std::uint64_t lookups = 0;  // versions and logs: lookups the kernel has not forgotten
  };
  // The inode named `name`, made from `node` if new. REQUIRES: mutex_ held.
  std::unordered_map<fuse_ino_t, Entry>::iterator intern_locked(const std::string& name, Node node);
  // The inode named `name`, made from `node` if new, with one more lookup.
  fuse_ino_t looked_up(const std::string& name, Node node);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, fuse_ino_t> by_name_;
  std::unordered_map<fuse_ino_t, Entry> nodes_;
  fuse_ino_t next_ = kRoot;
};

}  // namespace taskfs::fs
