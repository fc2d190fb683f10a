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

// A Collection is a directory whose entries are its Elements (SPEC 6).
enum class NodeKind { Root, ControlDir, ControlFile, TaskDir, Result, Collection, Element };

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
  std::string task;       // TaskDir, Result, Collection, Element
  std::string variant;    // Result, Collection, Element: canonical variant
  std::string element;    // Element: its name (decoded)
  ControlFile control{};  // ControlFile
  double created = 0;     // its mtime: when the result was stored, or first seen
  // Result, Collection, Element: the version this inode is, as the lookup
  // that made it found it (its probe, handed on to open), or nullopt for
  // "missing when looked up".
  std::optional<ResultInfo> cached;
  // Collection: where its elements are, when cached.
  std::optional<CollectionInfo> collection;
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
                              const std::optional<ResultInfo>& found);
  // The inode of a collection's directory as a lookup found it: one version
  // (`found`, its elements `collection`) or missing. Counts one lookup.
  fuse_ino_t looked_up_collection(const std::string& task, const std::string& variant,
                                  const std::optional<ResultInfo>& found,
                                  const std::optional<CollectionInfo>& collection);
  // The inode of the element named `element` in the collection directory
  // `dir`, as a lookup found it (`found`: its bytes) or missing. Counts one
  // lookup.
  fuse_ino_t looked_up_element(const Node& dir, const std::string& element,
                               const std::optional<ResultInfo>& found);
  // The kernel dropped `count` lookups of `ino`; a result, collection or
  // element inode left with none is freed. Other inodes are permanent.
  void forget(fuse_ino_t ino, std::uint64_t count);
  // The node of an inode the kernel knows; nullopt for an unknown number.
  std::optional<Node> find(fuse_ino_t ino) const;

 private:
  struct Entry {
    Node node;
    std::string name;           // its key in by_name_
    std::uint64_t lookups = 0;  // versions only: lookups the kernel has not forgotten
  };
  // The inode named `name`, made from `node` if new, with one lookup more.
  fuse_ino_t counted_lookup(const std::string& name, Node node);
  // The inode named `name`, made from `node` if new. REQUIRES: mutex_ held.
  std::unordered_map<fuse_ino_t, Entry>::iterator intern_locked(const std::string& name, Node node);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, fuse_ino_t> by_name_;
  std::unordered_map<fuse_ino_t, Entry> nodes_;
  fuse_ino_t next_ = kRoot;
};

}  // namespace taskfs::fs
