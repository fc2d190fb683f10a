// lookup, getattr and directory listings.
#include <limits.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>

#include "fs/errors.hpp"
#include "fs/filesystem.hpp"
#include "log.hpp"
#include "spec/variant.hpp"

namespace taskfs::fs {
namespace {

// Names of results are never cached, so a rebuild or an edited input is seen
// by the very next lookup; directories may be cached a moment.
constexpr double kDirTimeout = 1.0;
constexpr double kResultTimeout = 0.0;
// A result version's inode never changes content: its attributes may be kept,
// which spares a GETATTR round trip on every read.
constexpr double kImmutableTimeout = 24 * 3600.0;

double attr_timeout(const Node& node) {
  switch (node.kind) {
    case NodeKind::Result:
    case NodeKind::Collection:
    case NodeKind::Element:
      return node.cached ? kImmutableTimeout : kResultTimeout;
    case NodeKind::ControlFile:
    case NodeKind::LogFile:  // grows while its task runs
      return kResultTimeout;
    default:
      return kDirTimeout;
  }
}

double entry_timeout(const Node& node) {
  switch (node.kind) {
    case NodeKind::Root:
    case NodeKind::ControlDir:
    case NodeKind::TaskDir:
    case NodeKind::LogDir:
    case NodeKind::LogTaskDir:
      return kDirTimeout;
    case NodeKind::Element:
      // An element's name in one cached collection version (its directory's
      // inode) always names the same version of it: a read of the path looks
      // the directory up again (its timeout is 0), not the element. One
      // cached on its own, in a directory not computed (or an .each's over
      // files), is looked up again: its input may have changed.
      return node.cached && node.collection ? kImmutableTimeout : kResultTimeout;
    default:
      return kResultTimeout;
  }
}

// Elements of a collection listed per store query.
constexpr std::size_t kListingPage = 128;

struct Listing {
  struct Entry {
    std::string name;
    fuse_ino_t ino;
    mode_t mode;
  };
  std::vector<Entry> entries;
  // A collection's elements follow the entries, read from the store page by
  // page as the kernel asks, so a listing never holds them all; pinned, so
  // that an eviction meanwhile leaves them.
  std::optional<CollectionInfo> collection;
  PinTable::Pin pin;
};

timespec to_timespec(double seconds) {
  auto whole = static_cast<time_t>(seconds);
  return {whole, static_cast<long>((seconds - static_cast<double>(whole)) * 1e9)};
}

// A listed result's d_ino: `ls` only needs it non-zero and stable; lookup
// gives the real inode.
fuse_ino_t listing_ino(const std::string& name) {
  return std::hash<std::string>{}(name) | 1u << 31;
}

Listing list(Filesystem& fs, fuse_ino_t ino, const Node& node) {
  Listing l;
  l.entries.push_back({".", ino, S_IFDIR});
  l.entries.push_back({"..", InodeTable::kRoot, S_IFDIR});
  if (node.kind == NodeKind::Root) {
    l.entries.push_back({std::string(kControlDirName), InodeTable::kControlDir, S_IFDIR});
    for (const auto& t : fs.engine().catalog().catalog->tasks()) {
      l.entries.push_back({t.name, fs.inodes().task_dir(t.name), S_IFDIR});
    }
  } else if (node.kind == NodeKind::ControlDir) {
    for (ControlFile f : kControlFiles) {
      l.entries.push_back(
          {std::string(control_file_name(f)), fs.inodes().control_file(f), S_IFREG});
    }
    l.entries.push_back({std::string(kLogDirName), fs.inodes().log_dir(), S_IFDIR});
  } else if (node.kind == NodeKind::LogDir) {
    for (const auto& t : fs.engine().catalog().catalog->tasks()) {
      l.entries.push_back({t.name, fs.inodes().log_task_dir(t.name), S_IFDIR});
    }
  } else if (node.kind == NodeKind::LogTaskDir) {
    for (const auto& v : fs.engine().task_logs().variants(node.task)) {
      l.entries.push_back({v, listing_ino("log/" + node.task + "/" + v), S_IFREG});
    }
  } else if (node.kind == NodeKind::Collection) {
    if (node.cached) l.pin = fs.engine().pin(*node.cached);
    l.collection = node.collection;
  } else {
    for (const auto& v : fs.engine().cached_variants(node.task)) {
      // A name no lookup would accept (computed by `taskfs run`, say) would
      // make the kernel refuse the whole listing.
      if (v.size() > NAME_MAX) continue;
      l.entries.push_back({v, listing_ino(node.task + "/" + v), S_IFREG});
    }
  }
  return l;
}

}  // namespace

bool Filesystem::attributes(fuse_ino_t ino, const Node& node, struct stat& st) {
  st = {};
  st.st_ino = ino;
  st.st_uid = ::getuid();
  st.st_gid = ::getgid();
  st.st_mtim = st.st_ctim = st.st_atim = to_timespec(node.created);
  switch (node.kind) {
    case NodeKind::Root:
    case NodeKind::ControlDir:
    case NodeKind::TaskDir:
    case NodeKind::LogDir:
    case NodeKind::LogTaskDir:
      st.st_mode = S_IFDIR | 0555;
      st.st_nlink = 2;
      return true;
    case NodeKind::Collection:
      st.st_mode = S_IFDIR | 0555;
      st.st_nlink = 2;
      if (!node.cached) ::clock_gettime(CLOCK_REALTIME, &st.st_mtim);
      return true;
    case NodeKind::ControlFile:
      st.st_mode = S_IFREG | 0444;
      st.st_nlink = 1;
      return true;
    case NodeKind::Result:
    case NodeKind::Element:
      st.st_mode = S_IFREG | 0444;
      st.st_nlink = 1;
      st.st_size = node.cached ? static_cast<off_t>(node.cached->view_size) : 0;
      if (!node.cached) {
        // Missing: newer than anything made from it (make will read it).
        ::clock_gettime(CLOCK_REALTIME, &st.st_mtim);
        st.st_ctim = st.st_mtim;
      }
      st.st_blocks = (st.st_size + 511) / 512;
      return true;
    case NodeKind::LogFile:
      // The latest run's log as it is now: `tail -f` sees it grow.
      st.st_mode = S_IFREG | 0444;
      st.st_nlink = 1;
      if (auto log = engine_.task_logs().find(node.task, node.variant)) {
        st.st_size = static_cast<off_t>(log->size);
        st.st_mtim = st.st_ctim = to_timespec(log->modified);
      }
      st.st_blocks = (st.st_size + 511) / 512;
      return true;
  }
  return false;
}

void Filesystem::reply_entry(fuse_req_t req, fuse_ino_t ino) {
  fuse_entry_param e{};
  e.ino = ino;
  auto node = inodes_.find(ino);
  if (!node || !attributes(ino, *node, e.attr)) {
    fuse_reply_err(req, ENOENT);
    return;
  }
  e.attr_timeout = attr_timeout(*node);
  e.entry_timeout = entry_timeout(*node);
  fuse_reply_entry(req, &e);
}

void Filesystem::lookup_result(fuse_req_t req, const std::string& task, const char* name) {
  fuse_ino_t ino;
  try {
    auto request = engine_.resolve(task, name);
    const std::string& variant = request->plan.target().variant;
    if (variant.size() > NAME_MAX) {
      throw spec::PathError(ENAMETOOLONG, "its canonical name '" + variant + "' has " +
                                              std::to_string(variant.size()) +
                                              " bytes, more than a file name may have (" +
                                              std::to_string(NAME_MAX) + ")");
    }
    const TaskInfo& target = *request->plan.target().task;
    // The directory of an .each over files (a glob, a file list) is one inode
    // whatever its version, found without a probe (which would look at every
    // file of its source): opendir lists it afresh, and each element's lookup
    // checks that element's file. So `ls -l` of n elements costs n, not n^2.
    if (target.each_files()) return lookup_collection(req, task, variant, Probe{});
    Probe probe = engine_.probe(*request);
    if (target.collection) return lookup_collection(req, task, variant, probe);
    ino = inodes_.looked_up_result(task, variant, probe.result, probe.key);
  } catch (...) {
    return reply_current_error(req, task + "/" + name);
  }
  reply_entry(req, ino);
}

void Filesystem::lookup_log(fuse_req_t req, const std::string& task, const char* name) {
  fuse_ino_t ino;
  try {
    // Any spelling of a variant names its canonical log, which may not exist
    // yet: `tail -f` may wait for a run to start.
    auto request = engine_.resolve(task, name);
    ino = inodes_.looked_up_log(task, request->plan.target().variant);
  } catch (...) {
    return reply_current_error(req, "log/" + task + "/" + name);
  }
  reply_entry(req, ino);
}

void fs_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Filesystem& fs = Filesystem::of(req);
  auto dir = fs.inodes().find(parent);
  if (!dir) return (void)fuse_reply_err(req, ENOENT);
  switch (dir->kind) {
    case NodeKind::Root:
      if (name == kControlDirName) return fs.reply_entry(req, InodeTable::kControlDir);
      if (fs.engine().catalog().catalog->find(name) == nullptr) {
        // Hidden names (.Trash, .git, ...) are never tasks; shells look them up often.
        if (name[0] != '.') log_line(std::string("unknown task '") + name + "'");
        return (void)fuse_reply_err(req, ENOENT);
      }
      return fs.reply_entry(req, fs.inodes().task_dir(name));
    case NodeKind::ControlDir:
      if (auto f = control_file_named(name)) {
        return fs.reply_entry(req, fs.inodes().control_file(*f));
      }
      if (name == kLogDirName) return fs.reply_entry(req, fs.inodes().log_dir());
      return (void)fuse_reply_err(req, ENOENT);
    case NodeKind::TaskDir:
      return fs.lookup_result(req, dir->task, name);
    case NodeKind::LogDir:
      if (fs.engine().catalog().catalog->find(name) == nullptr) {
        return (void)fuse_reply_err(req, ENOENT);
      }
      return fs.reply_entry(req, fs.inodes().log_task_dir(name));
    case NodeKind::LogTaskDir:
      return fs.lookup_log(req, dir->task, name);
    case NodeKind::Collection:
      return fs.lookup_element(req, *dir, name);
    default:
      return (void)fuse_reply_err(req, ENOTDIR);
  }
}

void fs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  Filesystem::of(req).inodes().forget(ino, nlookup);
  fuse_reply_none(req);
}

void fs_forget_multi(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
  InodeTable& inodes = Filesystem::of(req).inodes();
  for (size_t i = 0; i < count; ++i) inodes.forget(forgets[i].ino, forgets[i].nlookup);
  fuse_reply_none(req);
}

void fs_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  Filesystem& fs = Filesystem::of(req);
  auto node = fs.inodes().find(ino);
  struct stat st {};
  if (!node || !fs.attributes(ino, *node, st)) return (void)fuse_reply_err(req, ENOENT);
  fuse_reply_attr(req, &st, attr_timeout(*node));
}

void Filesystem::reply_listing(fuse_req_t req, fuse_file_info fi, fuse_ino_t ino, const Node& node,
                               const std::vector<std::string>& names) {
  try {
    auto listing = std::make_unique<Listing>(list(*this, ino, node));
    for (const auto& element : names) {
      std::string name = spec::element_file_name(element);
      // The kernel refuses a whole listing that holds a name too long.
      if (name.size() <= NAME_MAX) listing->entries.push_back({name, listing_ino(name), S_IFREG});
    }
    fi.fh = reinterpret_cast<std::uint64_t>(listing.get());
    // fi.fh owns it now, until fs_releasedir.
    if (fuse_reply_open(req, &fi) == 0) static_cast<void>(listing.release());
  } catch (...) {
    reply_current_error(req, "listing a directory");
  }
}

void fs_opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Filesystem& fs = Filesystem::of(req);
  auto node = fs.inodes().find(ino);
  if (!node) return (void)fuse_reply_err(req, ENOENT);
  switch (node->kind) {
    case NodeKind::Result:
    case NodeKind::Element:
    case NodeKind::ControlFile:
    case NodeKind::LogFile:
      return (void)fuse_reply_err(req, ENOTDIR);
    case NodeKind::Collection:
      return fs.opendir_collection(req, ino, *node, fi);
    default:
      return fs.reply_listing(req, *fi, ino, *node);
  }
}

void fs_readdir(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
  const auto* listing = reinterpret_cast<const Listing*>(fi->fh);
  std::vector<char> buf(size);
  std::size_t used = 0;
  // Adds one entry at position `i`; false when the buffer is full.
  auto add = [&](const std::string& name, fuse_ino_t ino, mode_t mode, std::size_t i) {
    struct stat st {};
    st.st_ino = ino;
    st.st_mode = mode;
    std::size_t n = fuse_add_direntry(req, buf.data() + used, size - used, name.c_str(), &st,
                                      static_cast<off_t>(i + 1));
    if (n > size - used) return false;
    used += n;
    return true;
  };
  auto i = static_cast<std::size_t>(off);
  for (; i < listing->entries.size(); ++i) {
    const auto& e = listing->entries[i];
    if (!add(e.name, e.ino, e.mode, i)) return (void)fuse_reply_buf(req, buf.data(), used);
  }
  if (listing->collection) {
    try {
      std::vector<ElementInfo> page;
      do {
        page = Filesystem::of(req).engine().elements(*listing->collection,
                                                     i - listing->entries.size(), kListingPage);
        for (const auto& element : page) {
          std::string name = spec::element_file_name(element.name);
          // The kernel refuses a whole listing that holds a name too long.
          if (name.size() <= NAME_MAX && !add(name, listing_ino(name), S_IFREG, i)) {
            return (void)fuse_reply_buf(req, buf.data(), used);
          }
          ++i;
        }
      } while (page.size() == kListingPage);
    } catch (...) {
      return reply_current_error(req, "listing a collection");
    }
  }
  fuse_reply_buf(req, buf.data(), used);
}

void fs_releasedir(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
  std::unique_ptr<Listing> owned(reinterpret_cast<Listing*>(fi->fh));
  fuse_reply_err(req, 0);
}

}  // namespace taskfs::fs
