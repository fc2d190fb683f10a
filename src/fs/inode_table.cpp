#include "fs/inode_table.hpp"

#include <chrono>

#include "clock.hpp"

namespace taskfs::fs {

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
  intern("/", Node{NodeKind::Root});
  intern(std::string(kControlDirName), Node{NodeKind::ControlDir});
  for (ControlFile f : kControlFiles) {
    Node n{NodeKind::ControlFile};
    n.control = f;
    intern("." + std::string(control_file_name(f)), n);
  }
}

fuse_ino_t InodeTable::intern(const std::string& name, Node node) {
  std::lock_guard lock(mutex_);
  auto [it, fresh] = by_name_.try_emplace(name, kRoot + nodes_.size());
  if (fresh) {
    if (node.created == 0) node.created = epoch_seconds();
    nodes_.push_back(std::move(node));
  }
  return it->second;
}

fuse_ino_t InodeTable::control_file(ControlFile file) const {
  return kControlDir + 1 + static_cast<fuse_ino_t>(file);
}

fuse_ino_t InodeTable::task_dir(const std::string& task) {
  Node n{NodeKind::TaskDir};
  n.task = task;
  return intern("d/" + task, std::move(n));
}

fuse_ino_t InodeTable::looked_up_result(const std::string& task, const std::string& variant,
                                        const std::optional<ResultInfo>& found) {
  Node n{NodeKind::Result};
  n.task = task;
  n.variant = variant;
  n.created = found ? found->created : 0;
  n.cached = found;
  // Each version its own inode; all lookups that found it missing share one.
  std::string name =
      "r/" + task + "/" + variant + "#" + (found ? found->view_hash.hex() : "missing");
  fuse_ino_t ino = intern(name, std::move(n));
  std::lock_guard lock(mutex_);
  nodes_[ino - kRoot].looked_up = std::chrono::steady_clock::now();
  return ino;
}

std::optional<Node> InodeTable::find(fuse_ino_t ino) const {
  std::lock_guard lock(mutex_);
  if (ino < kRoot || ino - kRoot >= nodes_.size()) return std::nullopt;
  return nodes_[ino - kRoot];
}

}  // namespace taskfs::fs
