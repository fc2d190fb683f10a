#include "fs/inode_table.hpp"

#include <iterator>

#include "clock.hpp"

namespace taskfs::fs {
namespace {

// Inodes of one version of a result, a collection or an element, and logs:
// counted, and freed when the kernel forgets them.
bool is_counted(NodeKind kind) {
  return kind == NodeKind::Result || kind == NodeKind::Collection || kind == NodeKind::Element ||
         kind == NodeKind::LogFile;
}

// What tells versions of one path apart in an inode's name. A collection's
// value hash is its manifest's, which follows its elements.
std::string version_name(const std::optional<ResultInfo>& found) {
  return found ? found->view_hash.hex() + found->value_hash.hex() : "missing";
}

// The node of one version of a result (or collection) of task/variant.
Node version_node(NodeKind kind, const std::string& task, const std::string& variant,
                  const std::optional<ResultInfo>& found, const std::optional<Hash128>& key) {
  Node n{kind};
  n.task = task;
  n.variant = variant;
  n.created = found ? found->created : 0;
  n.cached = found;
  n.key = key;
  return n;
}

}  // namespace

std::string_view control_file_name(ControlFile file) {
  switch (file) {
    case ControlFile::Status:
      return "status";
    case ControlFile::Tasks:
      return "tasks";
    case ControlFile::Graph:
      return "graph.dot";
    case ControlFile::GraphPicture:
      return "graph.svg";
  }
  return {};
}

std::optional<ControlFile> control_file_named(std::string_view name) {
  for (ControlFile f : kControlFiles) {
    if (control_file_name(f) == name) return f;
  }
  return std::nullopt;
}

InodeTable::InodeTable() {
  // In this order, so that the fixed numbers below are theirs.
  std::lock_guard lock(mutex_);
  intern_locked("/", Node{NodeKind::Root});
  intern_locked(std::string(kControlDirName), Node{NodeKind::ControlDir});
  for (ControlFile f : kControlFiles) {
    Node n{NodeKind::ControlFile};
    n.control = f;
    intern_locked("." + std::string(control_file_name(f)), n);
  }
  intern_locked("l", Node{NodeKind::LogDir});
}

std::unordered_map<fuse_ino_t, InodeTable::Entry>::iterator InodeTable::intern_locked(
    const std::string& name, Node node) {
  auto [named, fresh] = by_name_.try_emplace(name, next_);
  if (!fresh) return nodes_.find(named->second);
  ++next_;
  if (node.created == 0) node.created = epoch_seconds();
  return nodes_.emplace(named->second, Entry{std::move(node), name}).first;
}

fuse_ino_t InodeTable::control_file(ControlFile file) const {
  return kControlDir + 1 + static_cast<fuse_ino_t>(file);
}

fuse_ino_t InodeTable::log_dir() const {
  return control_file(kControlFiles[0]) + std::size(kControlFiles);
}

fuse_ino_t InodeTable::task_dir(const std::string& task) {
  Node n{NodeKind::TaskDir};
  n.task = task;
  std::lock_guard lock(mutex_);
  return intern_locked("d/" + task, std::move(n))->first;
}

fuse_ino_t InodeTable::looked_up_result(const std::string& task, const std::string& variant,
                                        const std::optional<ResultInfo>& found,
                                        const std::optional<Hash128>& key) {
  // Each version its own inode; all lookups that found it missing share one.
  return looked_up("r/" + task + "/" + variant + "#" + version_name(found),
                   version_node(NodeKind::Result, task, variant, found, key));
}

fuse_ino_t InodeTable::looked_up_collection(const std::string& task, const std::string& variant,
                                            const std::optional<ResultInfo>& found,
                                            const std::optional<CollectionInfo>& collection,
                                            const std::optional<Hash128>& key) {
  Node n = version_node(NodeKind::Collection, task, variant, found, key);
  n.collection = collection;
  return looked_up("c/" + task + "/" + variant + "#" + version_name(found), std::move(n));
}

fuse_ino_t InodeTable::looked_up_element(const Node& dir, const std::string& element,
                                         const std::optional<ElementInfo>& found) {
  Node n{NodeKind::Element};
  n.task = dir.task;
  n.variant = dir.variant;
  n.element = element;
  n.created = found ? dir.created : 0;
  if (found) {
    n.cached = found->result;
    n.collection = dir.collection;
    n.index = found->index;
  }
  n.key = dir.key;
  // The element's name comes last: whatever bytes it holds, the name is unique.
  std::string name = "e/" + dir.task + "/" + dir.variant + "#" + version_name(dir.cached) + "#" +
                     version_name(n.cached) + "/" + element;
  return looked_up(name, std::move(n));
}

fuse_ino_t InodeTable::log_task_dir(const std::string& task) {
  Node n{NodeKind::LogTaskDir};
  n.task = task;
  std::lock_guard lock(mutex_);
  return intern_locked("ld/" + task, std::move(n))->first;
}

fuse_ino_t InodeTable::looked_up_log(const std::string& task, const std::string& variant) {
  Node n{NodeKind::LogFile};
  n.task = task;
  n.variant = variant;
  return looked_up("lf/" + task + "/" + variant, std::move(n));
}

fuse_ino_t InodeTable::looked_up(const std::string& name, Node node) {
  std::optional<Hash128> key = node.key;
  std::lock_guard lock(mutex_);
  auto it = intern_locked(name, std::move(node));
  ++it->second.lookups;  // counted under the same lock: a FORGET cannot free it in between
  // Two keys may give the same bytes (a rebuild that changed nothing here):
  // reads count for the key the path has now.
  it->second.node.key = key;
  return it->first;
}

void InodeTable::forget(fuse_ino_t ino, std::uint64_t count) {
  std::lock_guard lock(mutex_);
  auto it = nodes_.find(ino);
  if (it == nodes_.end() || !is_counted(it->second.node.kind)) return;
  Entry& entry = it->second;
  entry.lookups -= std::min(count, entry.lookups);
  if (entry.lookups > 0) return;
  by_name_.erase(entry.name);
  nodes_.erase(it);
}

std::optional<Node> InodeTable::find(fuse_ino_t ino) const {
  std::lock_guard lock(mutex_);
  auto it = nodes_.find(ino);
  if (it == nodes_.end()) return std::nullopt;
  return it->second.node;
}

}  // namespace taskfs::fs
