// open, read and release: results stream from the store by range.
#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <vector>

#include "engine/reports.hpp"
#include "fs/errors.hpp"
#include "fs/filesystem.hpp"
#include "fs/graph_picture.hpp"
#include "log.hpp"

namespace taskfs::fs {
namespace {

// An open file: the bytes it reads, fixed at open and kept from eviction; or
// a task's log, read afresh each time (it grows while its task runs, and a new
// run replaces it).
struct OpenFile {
  BlobReader reader;
  PinTable::Pin pin;
  struct Log {
    std::string task;
    std::string variant;
  };
  std::optional<Log> log;
};

// Opens a log: off the page cache, whose pages and size would go stale as it grows.
void open_log(fuse_req_t req, const Node& node, fuse_file_info fi) {
  auto file = std::make_unique<OpenFile>(OpenFile{{}, {}, OpenFile::Log{node.task, node.variant}});
  fi.fh = reinterpret_cast<std::uint64_t>(file.get());
  fi.keep_cache = 0;
  fi.direct_io = 1;
  if (fuse_reply_open(req, &fi) == 0) static_cast<void>(file.release());  // fi.fh owns it now
}

void read_log(fuse_req_t req, Engine& engine, const OpenFile::Log& log, std::size_t size,
              std::uint64_t offset, std::vector<char>& buffer) {
  buffer.resize(std::max(buffer.size(), size));
  try {
    fuse_reply_buf(req, buffer.data(),
                   engine.task_logs().read(log.task, log.variant, buffer.data(), size, offset));
  } catch (...) {
    reply_current_error(req, "reading the log of " + log.task + "/" + log.variant);
  }
}

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
                PinTable::Pin pin, bool page_cache) {
  auto file = std::make_unique<OpenFile>(OpenFile{std::move(reader), std::move(pin), std::nullopt});
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

// Computes the request's target and answers the waiting open `req` with it
// (or with its failure), unless the reader was interrupted meanwhile. A
// result whose stored bytes turn out damaged (forgotten by open_view) is
// computed again, once.
void compute_and_reply(fuse_req_t req, std::uint64_t serial, Filesystem& fs,
                       const std::string& path, fuse_file_info info,
                       std::shared_ptr<const Request> request, bool may_retry) {
  // Computed now, so not a version the kernel may cache: read past the page cache.
  auto done = [req, serial, &fs, path, info, request, may_retry](const Outcome& outcome) {
    std::optional<BlobReader> view;
    PinTable::Pin pin;
    if (outcome.ok) {
      try {
        pin = fs.engine().pin(outcome.result);  // first: an eviction from now on leaves it
        view = fs.engine().open_view(outcome.result);
      } catch (...) {
        if (fs.take_pending(req, serial)) reply_current_error(req, "open " + path);
        return;
      }
      if (!view && may_retry) return compute_and_reply(req, serial, fs, path, info, request, false);
    }
    if (!fs.take_pending(req, serial)) return;  // the reader was interrupted
    if (!outcome.ok) return reply_failure(req, "read " + path, outcome.error);
    if (!view) return reply_failure(req, "read " + path, "its stored bytes were damaged again");
    fs.engine().note_read(outcome.key);
    reply_open(req, fs, info, std::move(*view), std::move(pin), false);
  };
  try {
    fs.engine().compute(std::move(request), std::move(done));
  } catch (...) {
    int error_number = log_current_error("read " + path);
    if (fs.take_pending(req, serial)) fuse_reply_err(req, error_number);
  }
}

void open_result(fuse_req_t req, Filesystem& fs, const Node& node, fuse_file_info* fi) {
  std::string path = node.task + "/" + node.variant;
  if (node.cached) {
    // The lookup that gave this inode found this version cached: its probe
    // stands (the kernel looks a result up again before every open, as its
    // entry timeout is 0), and the version's bytes never change, unless they
    // were damaged in the store: then they are computed again, below.
    try {
      // Pinned first: an eviction from now on leaves it.
      PinTable::Pin pin = fs.engine().pin(*node.cached);
      if (auto view = fs.engine().open_view(*node.cached)) {
        if (node.key) fs.engine().note_read(*node.key);
        return reply_open(req, fs, *fi, std::move(*view), std::move(pin), true);
      }
    } catch (...) {
      // Evicted between the lookup and this open (taskfs gc): computed again
      // below, as a missing result would be.
      log_current_error("open " + path + " (computing it again)");
    }
  }
  std::optional<Filesystem::Waiting> waiting = fs.begin_wait(req, node.task, node.variant);
  if (!waiting) return;
  compute_and_reply(req, waiting->serial, fs, path, *fi, std::move(waiting->request), true);
}

// Answers an open of an element with its stored bytes: a small one's from
// its row, served from memory; a large one's blob, pinned. False when the
// blob was damaged (forgotten, with its collection: computing makes it anew).
bool open_stored_element(fuse_req_t req, Filesystem& fs, fuse_file_info fi, const Node& node,
                         const ElementInfo& element, bool page_cache) {
  std::optional<BlobReader> view;
  PinTable::Pin pin;
  if (element.stored_inline) {
    const std::string& bytes = element.stored_inline->view;
    view.emplace(bytes, 0, bytes.size());
  } else {
    pin = fs.engine().pin(element.result);  // first: an eviction from now on leaves it
    view = fs.engine().open_view(element.result);
    if (!view) return false;
  }
  if (node.key) fs.engine().note_read(*node.key);
  reply_open(req, fs, fi, std::move(*view), std::move(pin), page_cache);
  return true;
}

// The row of a cached element inode, as its lookup found it; nullopt when
// it is gone since (its collection evicted or forgotten). An element of an
// .each cached on its own (no collection: its lookup found its own key) is
// that result, as for any result its lookup found.
std::optional<ElementInfo> stored_element(Filesystem& fs, const Node& node) {
  if (!node.cached) return std::nullopt;
  if (!node.collection) return ElementInfo{0, node.element, *node.cached, std::nullopt};
  std::vector<ElementInfo> rows = fs.engine().elements(*node.collection, node.index, 1);
  // (A collection id is reused once its rows are gone: the row must be this one.)
  if (rows.empty() || rows[0].index != node.index || rows[0].name != node.element ||
      rows[0].result.value_hash != node.cached->value_hash) {
    return std::nullopt;
  }
  return std::move(rows[0]);
}

// An element of an .each task not cached with its collection: computed on
// its own (and what it needs), no other element.
void open_each_element(fuse_req_t req, Filesystem& fs, const Node& node, fuse_file_info fi,
                       const std::string& path) {
  fs.compute_for(req, node.task, node.variant,
                 [req, &fs, path, node, fi](const Outcome& outcome) {
                   if (outcome.no_element) {
                     log_line(path + ": " + outcome.error);
                     return (void)fuse_reply_err(req, ENOENT);
                   }
                   if (!outcome.ok) return reply_failure(req, "read " + path, outcome.error);
                   try {
                     Node computed = node;
                     computed.key = outcome.key;
                     ElementInfo element;  // an ordinary result, its bytes in blobs
                     element.name = node.element;
                     element.result = outcome.result;
                     if (!open_stored_element(req, fs, fi, computed, element, false)) {
                       reply_failure(req, "read " + path,
                                     "its stored bytes were damaged; read it again");
                     }
                   } catch (...) {
                     reply_current_error(req, "open " + path);
                   }
                 },
                 {TargetPart::Kind::Element, node.element});
}

// An element of a collection: its bytes when the lookup found them, else
// the collection is computed first and the element found in it.
void open_element(fuse_req_t req, Filesystem& fs, const Node& node, fuse_file_info* fi) {
  std::string path = node.task + "/" + node.variant + "/" + node.element;
  if (node.cached) {
    try {
      std::optional<ElementInfo> element = stored_element(fs, node);
      if (element && open_stored_element(req, fs, *fi, node, *element, true)) return;
    } catch (...) {
      // Evicted between the lookup and this open: computed again below.
      log_current_error("open " + path + " (computing it again)");
    }
  }
  if (fs.runs_each(node.task)) return open_each_element(req, fs, node, *fi, path);
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
          Node computed = node;
          computed.key = outcome.key;
          // Computed now, so not a version the kernel may cache: read past the page cache.
          if (!open_stored_element(req, fs, info, computed, *element, false)) {
            reply_failure(req, "read " + path, "its stored bytes were damaged; read it again");
          }
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
      return reply_open(req, fs, *fi, BlobReader(std::move(text), 0, size), {}, false);
    } catch (...) {
      return reply_current_error(
          req, "reading .taskfs/" + std::string(control_file_name(node->control)));
    }
  }
  if (node->kind == NodeKind::LogFile) return open_log(req, *node, *fi);
  if (node->kind == NodeKind::Element) return open_element(req, fs, *node, fi);
  if (node->kind != NodeKind::Result) return (void)fuse_reply_err(req, EISDIR);
  open_result(req, fs, *node, fi);
}

std::optional<Filesystem::Waiting> Filesystem::begin_wait(fuse_req_t req, const std::string& task,
                                                          const std::string& variant) {
  Waiting waiting;
  try {
    waiting.request = engine_.resolve(task, variant);
  } catch (...) {
    reply_current_error(req, task + "/" + variant);
    return std::nullopt;
  }
  waiting.serial = add_pending(req);
  if (!watch_interrupt(req, *this)) {
    if (take_pending(req, waiting.serial)) fuse_reply_err(req, EINTR);
    return std::nullopt;
  }
  return waiting;
}

void Filesystem::compute_for(fuse_req_t req, const std::string& task, const std::string& variant,
                             std::function<void(const Outcome&)> answer, TargetPart part) {
  std::optional<Waiting> waiting = begin_wait(req, task, variant);
  if (!waiting) return;
  auto done = [this, req, serial = waiting->serial, answer = std::move(answer)](const Outcome& o) {
    if (take_pending(req, serial)) answer(o);  // else the reader was interrupted
  };
  try {
    engine_.compute_part(std::move(waiting->request), std::move(part), std::move(done));
  } catch (...) {
    int error_number = log_current_error("read " + task + "/" + variant);
    if (take_pending(req, waiting->serial)) fuse_reply_err(req, error_number);
  }
}

void fs_read(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
  const auto* file = reinterpret_cast<const OpenFile*>(fi->fh);
  auto offset = static_cast<std::uint64_t>(off);
  // The reply goes out of a buffer this thread owns, even for bytes the open
  // file holds in memory: the kernel may let the reader close the file, and
  // another thread free it in fs_release, as soon as it has the bytes, while
  // writev here has not returned yet. (libfuse's own fd path would copy through
  // a fresh 1 MiB mapping per request: a buffer kept per thread is cheaper.)
  thread_local std::vector<char> buffer;
  if (file->log)
    return read_log(req, Filesystem::of(req).engine(), *file->log, size, offset, buffer);
  const BlobReader& reader = file->reader;
  if (offset >= reader.size()) return (void)fuse_reply_buf(req, nullptr, 0);
  std::size_t length = std::min<std::uint64_t>(size, reader.size() - offset);
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
