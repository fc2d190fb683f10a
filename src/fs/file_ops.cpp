// open, read and release: results stream from the store by range.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <vector>

#include "engine/reports.hpp"
#include "fs/filesystem.hpp"
#include "fs/graph_picture.hpp"
#include "log.hpp"
#include "spec/variant.hpp"

namespace taskfs::fs {
namespace {

Filesystem& self(fuse_req_t req) { return *static_cast<Filesystem*>(fuse_req_userdata(req)); }

// An open file: the bytes it reads, fixed at open.
struct OpenFile {
  BlobReader reader;
};

std::string control_text(Engine& engine, ControlFile file) {
  switch (file) {
    case ControlFile::Status:
      return status_report(engine.status());
    case ControlFile::Tasks:
      return tasks_report(*engine.catalog().catalog);
    case ControlFile::Graph:
      return graph_report(*engine.catalog().catalog);
    case ControlFile::GraphPicture:
      return graph_picture(engine);
  }
  return {};
}

void reply_open(fuse_req_t req, Filesystem& fs, fuse_file_info fi, BlobReader reader,
                bool page_cache) {
  auto file = std::make_unique<OpenFile>(OpenFile{std::move(reader)});
  fi.fh = reinterpret_cast<std::uint64_t>(file.get());
  // A version-specific inode has immutable content: the kernel may read its
  // blob file directly (passthrough) or keep its pages. Anything else (missing
  // at lookup, nocache, control files) bypasses the page cache, so its 0 or
  // stale st_size never truncates a read.
  Passthrough& passthrough = fs.passthrough();
  bool eligible = page_cache && file->reader.is_whole_file();
  bool direct = eligible && passthrough.back_open(fi.fh, file->reader.fd());
  // The kernel reads an inode either through its page cache or not, never
  // both: an open that should have been passthrough but was refused stays off
  // the page cache. (Whether a file is eligible never changes.)
  if (eligible && passthrough.enabled() && !direct) page_cache = false;
  fi.keep_cache = page_cache ? 1 : 0;
  fi.direct_io = page_cache ? 0 : 1;
  if (fuse_reply_open(req, &fi) == 0) {
    file.release();
  } else if (direct) {
    passthrough.release(fi.fh);
  }
}

// libfuse calls the interrupt function inline, holding the request's lock,
// when the request was interrupted before the function was registered;
// answering then would free the request under libfuse's feet.
thread_local bool registering_interrupt = false;
thread_local bool interrupted_while_registering = false;

void interrupted(fuse_req_t req, void* data) {
  if (registering_interrupt) {
    interrupted_while_registering = true;
    return;
  }
  auto* fs = static_cast<Filesystem*>(data);
  // The computation goes on and is cached; only this reader stops waiting.
  if (fs->take_pending(req)) fuse_reply_err(req, EINTR);
}

// Registers the interrupt function; false if the request is already
// interrupted (the caller then answers EINTR itself).
bool watch_interrupt(fuse_req_t req, Filesystem& fs) {
  registering_interrupt = true;
  interrupted_while_registering = false;
  fuse_req_interrupt_func(req, interrupted, &fs);
  registering_interrupt = false;
  return !interrupted_while_registering;
}

// How long after its lookup an open of a cached version may skip the check.
// The kernel looks a result up again on every open (entry timeout 0), so an
// open normally comes microseconds after the lookup of the same syscall, which
// just checked the key; repeating it would only double the cost.
constexpr auto kLookupStillFresh = std::chrono::milliseconds(50);

void open_result(fuse_req_t req, Filesystem& fs, const Node& node, fuse_file_info* fi) {
  if (node.cached && std::chrono::steady_clock::now() - node.looked_up < kLookupStillFresh) {
    try {
      return reply_open(req, fs, *fi, fs.engine().open_view(*node.cached), true);
    } catch (const std::exception& e) {
      log_line("open " + node.task + "/" + node.variant + ": " + e.what());
      return (void)fuse_reply_err(req, EIO);
    }
  }
  std::shared_ptr<const Request> request;
  try {
    request = fs.engine().resolve(node.task, node.variant);
  } catch (const spec::PathError& e) {
    log_line(node.task + "/" + node.variant + ": " + e.what());
    return (void)fuse_reply_err(req, e.error_number());
  } catch (const std::exception& e) {
    log_line(node.task + "/" + node.variant + ": " + e.what());
    return (void)fuse_reply_err(req, EIO);
  }
  std::uint64_t serial = fs.add_pending(req);
  if (!watch_interrupt(req, fs)) {
    if (fs.take_pending(req, serial)) fuse_reply_err(req, EINTR);
    return;
  }
  fuse_file_info info = *fi;
  bool nocache = request->plan.target().task->nocache;
  auto done = [req, serial, &fs, node, info, nocache](const Outcome& outcome) {
    if (!fs.take_pending(req, serial)) return;  // the reader was interrupted
    if (!outcome.ok) {
      log_line("read " + node.task + "/" + node.variant + ": " + outcome.error);
      return (void)fuse_reply_err(req, EIO);
    }
    bool same_version = node.cached && outcome.result.view_hash == node.cached->view_hash;
    if (!same_version && node.cached) {
      // The result changed since lookup (rebuilt library, edited input):
      // ESTALE makes the kernel look the path up again and find the new inode.
      return (void)fuse_reply_err(req, ESTALE);
    }
    try {
      reply_open(req, fs, info, fs.engine().open_view(outcome.result), same_version && !nocache);
    } catch (const std::exception& e) {
      log_line("open " + node.task + "/" + node.variant + ": " + e.what());
      fuse_reply_err(req, EIO);
    }
  };
  try {
    fs.engine().compute(request, std::move(done));
  } catch (const std::exception& e) {
    log_line("read " + node.task + "/" + node.variant + ": " + e.what());
    if (fs.take_pending(req, serial)) fuse_reply_err(req, EIO);
  }
}

}  // namespace

void fs_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Filesystem& fs = self(req);
  auto node = fs.inodes().find(ino);
  if (!node) return (void)fuse_reply_err(req, ENOENT);
  if ((fi->flags & O_ACCMODE) != O_RDONLY) return (void)fuse_reply_err(req, EROFS);
  if (node->kind == NodeKind::ControlFile) {
    try {
      std::string text = control_text(fs.engine(), node->control);
      std::uint64_t size = text.size();
      // A typed offset: a literal 0 would pick the (head, fd, size) overload,
      // and the release would close the daemon's fd 0.
      return reply_open(req, fs, *fi, BlobReader(std::move(text), std::uint64_t{0}, size), false);
    } catch (const std::exception& e) {
      log_line(std::string("reading .taskfs/") + std::string(control_file_name(node->control)) +
               ": " + e.what());
      return (void)fuse_reply_err(req, EIO);
    }
  }
  if (node->kind != NodeKind::Result) return (void)fuse_reply_err(req, EISDIR);
  open_result(req, fs, *node, fi);
}

void fs_read(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
  const auto* file = reinterpret_cast<const OpenFile*>(fi->fh);
  const BlobReader& reader = file->reader;
  auto offset = static_cast<std::uint64_t>(off);
  if (offset >= reader.size()) return (void)fuse_reply_buf(req, nullptr, 0);
  std::size_t length = std::min<std::uint64_t>(size, reader.size() - offset);
  // The reply goes out of a buffer this thread owns, even for bytes the open
  // file holds in memory: the kernel may let the reader close the file, and
  // another thread free it in fs_release, as soon as it has the bytes, while
  // writev here has not returned yet. (libfuse's own fd path would copy through
  // a fresh 1 MiB mapping per request: a buffer kept per thread is cheaper.)
  thread_local std::vector<char> buffer;
  buffer.resize(std::max(buffer.size(), length));
  try {
    std::size_t n = reader.read(buffer.data(), length, offset);
    fuse_reply_buf(req, buffer.data(), n);
  } catch (const std::exception& e) {
    log_line(std::string("reading a stored result: ") + e.what());
    fuse_reply_err(req, EIO);
  }
}

void fs_release(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
  self(req).passthrough().release(fi->fh);
  std::unique_ptr<OpenFile> owned(reinterpret_cast<OpenFile*>(fi->fh));
  fuse_reply_err(req, 0);
}

}  // namespace taskfs::fs
