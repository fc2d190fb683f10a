// The mount's namespace and file operations on the FUSE low-level API.
// Nothing here computes on a FUSE thread: an open of a missing result hands
// the request to the engine and returns; the engine replies when done.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "engine/engine.hpp"
#include "fs/inode_table.hpp"
#include "fs/passthrough.hpp"

namespace taskfs::fs {

class Filesystem {
 public:
  explicit Filesystem(Engine& engine) : engine_(engine) {}

  // The filesystem serving a request (its session's userdata).
  static Filesystem& of(fuse_req_t req) {
    return *static_cast<Filesystem*>(fuse_req_userdata(req));
  }

  // The operation table to pass to fuse_session_new, with this as userdata.
  static const fuse_lowlevel_ops& operations();

  Engine& engine() { return engine_; }
  Passthrough& passthrough() { return passthrough_; }
  InodeTable& inodes() { return inodes_; }

  // Fills the attributes of a node; false if the inode is unknown.
  bool attributes(fuse_ino_t ino, const Node& node, struct stat& st);
  // Looks up `name` in a task directory: resolves, probes, and picks the inode
  // of the result version now current. Replies to req.
  void lookup_result(fuse_req_t req, const std::string& task, const char* name);
  // Looks up `name` in .taskfs/log/<task>: the log of its canonical variant.
  void lookup_log(fuse_req_t req, const std::string& task, const char* name);
  // Answers a lookup with `ino`: its attributes, and timeouts by its kind.
  void reply_entry(fuse_req_t req, fuse_ino_t ino);

  // Collections (SPEC 6; fs/collection_ops.cpp).
  // lookup_result of a task that returns a collection: its directory's inode.
  void lookup_collection(fuse_req_t req, const std::string& task, const std::string& variant,
                         const Probe& probe);
  // Looks up the element file `name` in the collection directory `dir`.
  void lookup_element(fuse_req_t req, const Node& dir, const char* name);
  // Opens the collection directory `dir`, computing the collection first
  // when it is missing.
  void opendir_collection(fuse_req_t req, fuse_ino_t ino, const Node& dir, fuse_file_info* fi);
  // Answers an opendir of `node` with its listing; of a collection not
  // cached yet, with `names` (an .each task's, computed without its elements).
  void reply_listing(fuse_req_t req, fuse_file_info fi, fuse_ino_t ino, const Node& node,
                     const std::vector<std::string>& names = {});
  // Whether `task` runs .each element (SPEC 6) in the current catalog.
  bool runs_each(const std::string& task);

  // Computes the result at `task`/`variant` while `req` waits, and returns at
  // once. `answer` runs (on an engine thread) with the outcome, unless the
  // reader was interrupted first: req is then answered EINTR.
  // With `part`, only that part of an .each target (SPEC 6).
  void compute_for(fuse_req_t req, const std::string& task, const std::string& variant,
                   std::function<void(const Outcome&)> answer, TargetPart part = {});
  // A request that waits for a computation: what it computes, and its serial.
  struct Waiting {
    std::shared_ptr<const Request> request;
    std::uint64_t serial = 0;
  };
  // Resolves `task`/`variant` and makes `req` wait (add_pending), interruptible;
  // nullopt when req was answered already (a bad path, or interrupted).
  std::optional<Waiting> begin_wait(fuse_req_t req, const std::string& task,
                                    const std::string& variant);

  // Requests waiting for a computation, so that an interrupt (Ctrl-C on the
  // reader) and the computation's end answer each exactly once.
  // libfuse reuses the memory of an answered request, so each wait also gets
  // a serial: a late computation never answers a newer request at the same address.
  std::uint64_t add_pending(fuse_req_t req);
  // True if the caller may answer req (it still waits as `serial`); removes it.
  bool take_pending(fuse_req_t req, std::uint64_t serial);
  // For an interrupt, which only ever concerns the live request: true if req waited.
  bool take_pending(fuse_req_t req);

 private:
  Engine& engine_;
  InodeTable inodes_;
  Passthrough passthrough_;
  std::mutex pending_mutex_;
  std::unordered_map<fuse_req_t, std::uint64_t> pending_;
  std::uint64_t next_serial_ = 0;
};

// The operations, each in the file of its concern.
void fs_lookup(fuse_req_t req, fuse_ino_t parent, const char* name);
void fs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void fs_forget_multi(fuse_req_t req, size_t count, fuse_forget_data* forgets);
void fs_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void fs_opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void fs_releasedir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void fs_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void fs_release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void fs_getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size);
void fs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);

}  // namespace taskfs::fs
