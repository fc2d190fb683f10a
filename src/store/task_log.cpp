#include "store/task_log.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

#include "key/hash.hpp"
#include "log.hpp"
#include "sys/dir.hpp"
#include "sys/io.hpp"
#include "sys/store_dir.hpp"

namespace taskfs {
namespace {

constexpr const char* kLogsDir = "logs";
constexpr const char* kKeyAttribute = "user.taskfs.key";
constexpr std::size_t kCopyChunk = 1 << 20;
constexpr int kTemporaryNameAttempts = 1000;
// A cap so large it is no cap; twice it still fits in 64 bits.
constexpr std::uint64_t kLargestCap = std::uint64_t{1} << 62;

// The file name of a variant's log: the canonical variant itself, which has
// no '/', unless it is too long for a file name or starts with '.' (the
// prefix of the names a listing leaves out: temporary files); then its hash.
std::string log_file_name(const std::string& variant) {
  if (!variant.empty() && variant.size() <= NAME_MAX && variant[0] != '.') return variant;
  return ".v-" + hash_bytes(variant).hex();
}

std::string task_dir_name(const std::string& task) { return std::string(kLogsDir) + "/" + task; }

[[noreturn]] void fail(const char* doing) {
  throw std::system_error(errno, std::generic_category(), doing);
}

// Copies `size` bytes of `from` at `offset` to the end of `to`.
void copy_range(int from, std::uint64_t offset, std::uint64_t size, int to) {
  std::string chunk(static_cast<std::size_t>(std::min<std::uint64_t>(size, kCopyChunk)), '\0');
  while (size > 0) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, chunk.size()));
    std::size_t got = pread_full(from, chunk.data(), want, offset, "reading the log back");
    if (got == 0) return;  // shorter than recorded: someone truncated it
    write_all(to, std::string_view(chunk.data(), got), "writing the log");
    offset += got;
    size -= got;
  }
}

}  // namespace

RunLog::RunLog(int store_fd, std::string task, std::string name, std::string label,
               const Hash128& key, std::uint64_t max_size)
    : store_fd_(store_fd),
      task_(std::move(task)),
      name_(std::move(name)),
      label_(std::move(label)),
      key_(key.hex()),
      max_size_(std::min(max_size, kLargestCap)) {}

void RunLog::append(std::string_view bytes) {
  if (given_up_ || bytes.empty()) return;
  try {
    if (!file_) {
      if (!dir_) make_dir();
      // Created aside and renamed in: a run of the same variant in another
      // process may have taken the name meanwhile, and its file is its own.
      std::string temporary;
      Fd file = create_temporary(temporary);
      if (::renameat(dir_.get(), temporary.c_str(), dir_.get(), name_.c_str()) != 0) {
        int error = errno;
        ::unlinkat(dir_.get(), temporary.c_str(), 0);
        errno = error;
        fail("naming the log");
      }
      file_ = std::move(file);
    }
    if (body_ + bytes.size() > 2 * max_size_) return rewrite(bytes);
    write_all(file_.get(), bytes, "writing the log");
    body_ += bytes.size();
  } catch (const std::exception& e) {
    give_up(e.what());
  }
}

void RunLog::finish() {
  if (!given_up_ && file_ && body_ > max_size_) {
    try {
      rewrite({});
    } catch (const std::exception& e) {
      give_up(e.what());
    }
  }
  file_.reset();
}

void RunLog::make_dir() {
  // Each level is made relative to the one above, never through a link.
  if (::mkdirat(store_fd_, kLogsDir, 0700) != 0 && errno != EEXIST) fail("making logs/");
  Fd logs(open_below(store_fd_, kLogsDir, O_RDONLY | O_DIRECTORY));
  if (!logs) fail("opening logs/");
  if (::mkdirat(logs.get(), task_.c_str(), 0700) != 0 && errno != EEXIST) {
    fail("making the task's log directory");
  }
  dir_.reset(open_below(logs.get(), task_, O_RDONLY | O_DIRECTORY));
  if (!dir_) fail("opening the task's log directory");
}

Fd RunLog::create_temporary(std::string& name) const {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < kTemporaryNameAttempts; ++attempt) {
    name = ".run-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    Fd file(open_below(dir_.get(), name, O_RDWR | O_CREAT | O_EXCL));
    if (file) {
      // Best effort: without it (no user xattrs here) the log is only never
      // taken along when its result is forgotten.
      ::fsetxattr(file.get(), kKeyAttribute, key_.data(), key_.size(), 0);
      return file;
    }
    if (errno != EEXIST) break;
  }
  fail("creating a log file");
}

void RunLog::rewrite(std::string_view incoming) {
  std::uint64_t from_incoming = std::min<std::uint64_t>(incoming.size(), max_size_);
  std::uint64_t from_body = std::min(body_, max_size_ - from_incoming);
  std::uint64_t dropped = dropped_ + (body_ - from_body) + (incoming.size() - from_incoming);
  std::string note = "[taskfs: " + std::to_string(dropped) +
                     " bytes of earlier output dropped; the last " + std::to_string(max_size_) +
                     " are kept]\n";
  std::string temporary;
  Fd next = create_temporary(temporary);
  try {
    write_all(next.get(), note, "writing the log");
    copy_range(file_.get(), note_ + body_ - from_body, from_body, next.get());
    write_all(next.get(), incoming.substr(incoming.size() - from_incoming), "writing the log");
    if (!still_latest()) {
      // A newer run of this variant owns the name: this run's output is no
      // one's latest any more, and is not kept.
      ::unlinkat(dir_.get(), temporary.c_str(), 0);
      given_up_ = true;
      file_.reset();
      return;
    }
    if (::renameat(dir_.get(), temporary.c_str(), dir_.get(), name_.c_str()) != 0) {
      fail("naming the log");
    }
  } catch (...) {
    ::unlinkat(dir_.get(), temporary.c_str(), 0);
    throw;
  }
  file_ = std::move(next);
  note_ = note.size();
  body_ = from_body + from_incoming;
  dropped_ = dropped;
}

bool RunLog::still_latest() const {
  struct stat named {
  }, ours{};
  return ::fstatat(dir_.get(), name_.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 &&
         ::fstat(file_.get(), &ours) == 0 && named.st_dev == ours.st_dev &&
         named.st_ino == ours.st_ino;
}

void RunLog::give_up(const std::string& why) {
  given_up_ = true;
  file_.reset();
  log_line("the output of " + label_ + " is not kept past this point: " + why);
}

RunLog TaskLogs::start_run(const std::string& task, const std::string& variant, const Hash128& key,
                           std::uint64_t max_size) const {
  RunLog log(store_fd_, task, log_file_name(variant), task + "/" + variant, key, max_size);
  log.dir_.reset(open_below(store_fd_, task_dir_name(task), O_RDONLY | O_DIRECTORY));
  if (log.dir_) {
    // The previous run's output goes when this run starts, not at its first
    // byte: a reader never takes it for this run's.
    ::unlinkat(log.dir_.get(), log.name_.c_str(), 0);
  } else if (errno != ENOENT) {
    log.give_up("cannot open " + task_dir_name(task) + " in the store: " + std::strerror(errno));
  }
  // Without a directory yet (the task's first run with this store), it is
  // made at the first byte: a task that prints nothing leaves nothing behind.
  return log;
}

void TaskLogs::forget_run(const std::string& task, const std::string& variant,
                          const Hash128& key) const {
  Fd dir(open_below(store_fd_, task_dir_name(task), O_RDONLY | O_DIRECTORY));
  if (!dir) return;
  const std::string name = log_file_name(variant);
  Fd log(open_below(dir.get(), name, O_RDONLY));
  if (!log) return;
  char recorded[2 * sizeof(Hash128) + 1];
  ssize_t n = ::fgetxattr(log.get(), kKeyAttribute, recorded, sizeof recorded);
  if (n < 0 || std::string_view(recorded, static_cast<std::size_t>(n)) != key.hex()) return;
  // A run starting now renames its own file in; it is left alone.
  struct stat named {
  }, opened{};
  if (::fstatat(dir.get(), name.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 &&
      ::fstat(log.get(), &opened) == 0 && named.st_ino == opened.st_ino &&
      named.st_dev == opened.st_dev) {
    ::unlinkat(dir.get(), name.c_str(), 0);
  }
}

Fd TaskLogs::open(const std::string& task, const std::string& variant) const {
  return Fd(open_below(store_fd_, task_dir_name(task) + "/" + log_file_name(variant), O_RDONLY));
}

std::optional<LogFileInfo> TaskLogs::find(const std::string& task,
                                          const std::string& variant) const {
  Fd log = open(task, variant);
  struct stat st {};
  if (!log || ::fstat(log.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return LogFileInfo{
      static_cast<std::uint64_t>(st.st_size),
      static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) * 1e-9};
}

std::size_t TaskLogs::read(const std::string& task, const std::string& variant, char* out,
                           std::size_t size, std::uint64_t offset) const {
  Fd log = open(task, variant);
  if (!log) return 0;
  return pread_full(log.get(), out, size, offset, "reading a task log");
}

std::vector<std::string> TaskLogs::variants(const std::string& task) const {
  std::vector<std::string> out;
  auto names = entry_names(Fd(open_below(store_fd_, task_dir_name(task), O_RDONLY | O_DIRECTORY)));
  if (!names) return out;
  for (std::string& name : *names) {
    if (name[0] != '.') out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace taskfs
