// open, read and release: results stream from the store by range.
#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

#include "engine/reports.hpp"
#include "fs/errors.hpp"
#include "fs/filesystem.hpp"
#include "fs/graph_picture.hpp"
#include "log.hpp"

namespace taskfs::fs {
namespace {

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
    static_cast<void>(file.release());  // fi.fh owns it now, until fs_release
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

void open_result(fuse_req_t req, Filesystem& fs, const Node& node, fuse_file_info* fi) {
  std::string path = node.task + "/" + node.variant;
  if (node.cached) {
    // The lookup that gave this inode found this version cached: its probe
    // stands (the kernel looks a result up again before every open, as its
    // entry timeout is 0), and the version's bytes never change.
    try {
      return reply_open(req, fs, *fi, fs.engine().open_view(*node.cached), true);
    } catch (...) {
      return reply_current_error(req, "open " + path);
    }
  }
  // Computed now, so not a version the kernel may cache: read past the page cache.
  fs.compute_for(req, node.task, node.variant,
                 [req, &fs, path, info = *fi](const Outcome& outcome) {
                   if (!outcome.ok) return reply_failure(req, "read " + path, outcome.error);
                   try {
                     reply_open(req, fs, info, fs.engine().open_view(outcome.result), false);
                   } catch (...) {
                     reply_current_error(req, "open " + path);
                   }
                 });
}

// An element of a collection: its bytes when the lookup found them, else
// the collection is computed first and the element found in it.
void open_element(fuse_req_t req, Filesystem& fs, const Node& node, fuse_file_info* fi) {
  std::string path = node.task + "/" + node.variant + "/" + node.element;
  if (node.cached) {
    try {
      return reply_open(req, fs, *fi, fs.engine().open_view(*node.cached), true);
    } catch (...) {
      return reply_current_error(req, "open " + path);
    }
  }
  fs.compute_for(
      req, node.task, node.variant, [req, &fs, path, node, info = *fi](const Outcome& outcome) {
        if (!outcome.ok) return reply_failure(req, "read " + path, outcome.error);
        try {
          std::optional<CollectionInfo> collection = fs.engine().collection_of(outcome.result);
          if (!collection) return reply_failure(req, "read " + path, "its collection is gone");
          std::optional<ElementInfo> element = fs.engine().find_element(*collection, node.element);
          if (!element) {
            log_line(path + ": no such element");
            return (void)fuse_reply_err(req, ENOENT);
          }
          reply_open(req, fs, info, fs.engine().open_view(element->result), false);
        } catch (...) {
          reply_current_error(req, "open " + path);
        }
      });
}

}  // namespace

void fs_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Filesystem& fs = Filesystem::of(req);
  auto node = fs.inodes().find(ino);
  if (!node) return (void)fuse_reply_err(req, ENOENT);
  if ((fi->flags & O_ACCMODE) != O_RDONLY) return (void)fuse_reply_err(req, EROFS);
  if (node->kind == NodeKind::ControlFile) {
    try {
      std::string text = control_text(fs.engine(), node->control);
      std::uint64_t size = text.size();
      return reply_open(req, fs, *fi, BlobReader(std::move(text), 0, size), false);
    } catch (...) {
      return reply_current_error(
          req, "reading .taskfs/" + std::string(control_file_name(node->control)));
    }
  }
  if (node->kind == NodeKind::Element) return open_element(req, fs, *node, fi);
  if (node->kind != NodeKind::Result) return (void)fuse_reply_err(req, EISDIR);
  open_result(req, fs, *node, fi);
}

void Filesystem::compute_for(fuse_req_t req, const std::string& task, const std::string& variant,
                             std::function<void(const Outcome&)> answer) {
  std::string path = task + "/" + variant;
  std::shared_ptr<const Request> request;
  try {
    request = engine_.resolve(task, variant);
  } catch (...) {
    return reply_current_error(req, path);
  }
  std::uint64_t serial = add_pending(req);
  if (!watch_interrupt(req, *this)) {
    if (take_pending(req, serial)) fuse_reply_err(req, EINTR);
    return;
  }
  auto done = [this, req, serial, answer = std::move(answer)](const Outcome& outcome) {
    if (take_pending(req, serial)) answer(outcome);  // else the reader was interrupted
  };
  try {
    engine_.compute(request, std::move(done));
  } catch (...) {
    int error_number = log_current_error("read " + path);
    if (take_pending(req, serial)) fuse_reply_err(req, error_number);
  }
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
  } catch (...) {
    reply_current_error(req, "reading a stored result");
  }
}

void fs_release(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
  Filesystem::of(req).passthrough().release(fi->fh);
  std::unique_ptr<OpenFile> owned(reinterpret_cast<OpenFile*>(fi->fh));
  fuse_reply_err(req, 0);
}

}  // namespace taskfs::fs
