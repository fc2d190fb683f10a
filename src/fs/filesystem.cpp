#include "fs/filesystem.hpp"

namespace taskfs::fs {
namespace {

void init(void*, fuse_conn_info* conn) {
  // Replies straight from blob files by splice, and large reads.
  if (conn->capable & FUSE_CAP_SPLICE_WRITE) conn->want |= FUSE_CAP_SPLICE_WRITE;
  if (conn->capable & FUSE_CAP_SPLICE_MOVE) conn->want |= FUSE_CAP_SPLICE_MOVE;
  conn->max_readahead = 1 << 20;
  // Content never changes under an inode (each result version has its own),
  // so the kernel need not check attributes before every read.
  conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
}

fuse_lowlevel_ops make_operations() {
  fuse_lowlevel_ops ops{};
  ops.init = init;
  ops.lookup = fs_lookup;
  ops.forget = fs_forget;
  ops.forget_multi = fs_forget_multi;
  ops.getattr = fs_getattr;
  ops.opendir = fs_opendir;
  ops.readdir = fs_readdir;
  ops.releasedir = fs_releasedir;
  ops.open = fs_open;
  ops.read = fs_read;
  ops.release = fs_release;
  ops.getxattr = fs_getxattr;
  ops.listxattr = fs_listxattr;
  return ops;
}

}  // namespace

const fuse_lowlevel_ops& Filesystem::operations() {
  static const fuse_lowlevel_ops ops = make_operations();
  return ops;
}

std::uint64_t Filesystem::add_pending(fuse_req_t req) {
  std::lock_guard lock(pending_mutex_);
  pending_[req] = ++next_serial_;
  return next_serial_;
}

bool Filesystem::take_pending(fuse_req_t req, std::uint64_t serial) {
  std::lock_guard lock(pending_mutex_);
  auto it = pending_.find(req);
  if (it == pending_.end() || it->second != serial) return false;
  pending_.erase(it);
  return true;
}

bool Filesystem::take_pending(fuse_req_t req) {
  std::lock_guard lock(pending_mutex_);
  return pending_.erase(req) > 0;
}

}  // namespace taskfs::fs
