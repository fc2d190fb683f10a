#include "key/file_digest.hpp"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "spec/variant.hpp"
#include "sys/io.hpp"

namespace taskfs {
namespace {

std::runtime_error unreadable(const std::string& path, int err) {
  return std::runtime_error("cannot read input file '" + path + "': " + std::strerror(err));
}

std::string_view kind_of(mode_t type) {
  switch (type) {
    case S_IFDIR:
      return "a directory";
    case S_IFCHR:
      return "a character device";
    case S_IFBLK:
      return "a block device";
    case S_IFIFO:
      return "a FIFO";
    case S_IFSOCK:
      return "a socket";
    default:
      return "not a regular file";
  }
}

spec::PathError not_regular(const std::string& path, mode_t type) {
  return spec::PathError(EINVAL, "input file '" + path + "' is " + std::string(kind_of(type)) +
                                     ", not a regular file; refusing to read it");
}

// Whether `path` lies below the directory `dir`.
bool below(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
}

// The root as FileWatch takes it: no trailing slash.
std::string watch_root(const std::filesystem::path& root) {
  std::string r = root.string();
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  return r;
}

}  // namespace

FileDigests::FileDigests(std::filesystem::path root,
                         const std::vector<std::filesystem::path>& allowed, bool watch_files)
    : root_(std::move(root)),
      root_prefix_(root_.string() + "/"),
      root_fd_(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)),
      confinement_(root_, allowed),
      watch_(watch_files ? std::make_unique<FileWatch>(watch_root(root_)) : nullptr) {}

FileDigests::~FileDigests() = default;

std::string FileDigests::resolve(const std::string& path) const {
  return !path.empty() && path[0] == '/' ? path : root_prefix_ + path;
}

std::optional<FileStamp> FileDigests::checked_stamp(const std::string& path, bool confined,
                                                    bool glob_match) const {
  if (confined) confinement_.check_file(path, resolve(path));
  bool relative = root_fd_ && !path.empty() && path[0] != '/';
  std::optional<FileStamp> found =
      relative ? stamp_of(path, root_fd_.get()) : stamp_of(resolve(path));
  if (found && !found->is_regular() && !(glob_match && found->is_directory())) {
    throw not_regular(path, found->type);
  }
  return found;
}

void FileDigests::admit(const std::string& path, bool glob_match) const {
  checked_stamp(path, true, glob_match);
}

void FileDigests::admit_pattern(const std::string& pattern) const {
  confinement_.check_pattern(pattern, resolve(pattern));
}

FileDigest FileDigests::digest(const std::string& path, bool confined) {
  return look(path, confined, false, Reading::Allowed).digest;  // a directory was refused
}

std::optional<FileDigest> FileDigests::digest_unless_directory(const std::string& path,
                                                               bool confined) {
  InputLook found = look(path, confined, true, Reading::Allowed);
  if (found.kind == InputLook::Kind::Directory) return std::nullopt;
  return found.digest;
}

bool FileDigests::plain_file(const std::string& full) {
  struct stat st {};
  return ::lstat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1;
}

InputLook FileDigests::look(const std::string& path, bool confined, bool glob_match,
                            Reading reading) {
  std::string full = resolve(path);
  bool covered = false;
  if (std::optional<InputLook> watched = look_watched(path, full, confined, covered)) {
    return *watched;
  }
  // With a watch, look_watched has checked the confinement already.
  std::optional<FileStamp> found = checked_stamp(path, confined && !watch_, glob_match);
  if (!found) throw unreadable(path, errno);
  if (found->is_directory()) return {InputLook::Kind::Directory, {}};
  return look_found(path, full, *found, covered, reading);
}

InputLook FileDigests::look_listed(const std::string& path, Reading reading) {
  std::string full = resolve(path);
  bool covered = false;
  if (std::optional<InputLook> watched = look_watched(path, full, false, covered)) {
    return *watched;
  }
  std::optional<FileStamp> found = checked_stamp(path, false, false);
  if (!found && errno == ENOENT) return {InputLook::Kind::Missing, {}};
  if (!found) throw unreadable(path, errno);
  return look_found(path, full, *found, covered, reading);
}

std::optional<InputLook> FileDigests::look_watched(const std::string& path, const std::string& full,
                                                   bool confined, bool& covered) {
  // Watched (see refresh): the stat comes after the watch is in place, so a
  // change after it makes an event.
  if (!watch_) return std::nullopt;
  if (confined) confinement_.check_file(path, full);
  std::lock_guard lock(mutex_);
  auto it = cache_.find(full);
  if (it != cache_.end() && it->second.watched)
    return InputLook{InputLook::Kind::Hashed, FileDigest{path, it->second.stamp, it->second.hash}};
  covered = watch_->cover_parent(full);
  return std::nullopt;
}

InputLook FileDigests::look_found(const std::string& path, const std::string& full,
                                  const FileStamp& found, bool covered, Reading reading) {
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(full);
    if (it != cache_.end() && it->second.stamp == found) {
      if (covered && plain_file(full)) it->second.watched = true;
      return {InputLook::Kind::Hashed, FileDigest{path, found, it->second.hash}};
    }
  }
  if (reading != Reading::Allowed) return {InputLook::Kind::NotHashedYet, {}};
  return {InputLook::Kind::Hashed, hash_file(path, full)};
}

FileStamp FileDigests::read_regular(const std::string& path, const std::string& full,
                                    const std::function<void(std::string_view)>& chunk) {
  // Non-blocking: a FIFO put in the file's place since the stat cannot hold
  // the open; the fstat below then refuses it.
  Fd fd(::open(full.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd) throw unreadable(path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw unreadable(path, errno);
  if (!S_ISREG(st.st_mode)) throw not_regular(path, st.st_mode & S_IFMT);
  std::vector<char> buf(1 << 20);
  try {
    for (std::size_t n = buf.size(); n == buf.size();) {
      if (stopping_) throw std::runtime_error("taskfs is shutting down");
      n = read_full(fd.get(), buf.data(), buf.size(), "reading");
      chunk(std::string_view(buf.data(), n));
    }
  } catch (const std::system_error& e) {
    throw unreadable(path, e.code().value());
  }
  return stamp_from(st);
}

void FileDigests::remember(const std::string& full, const FileStamp& stamp, const Hash128& hash) {
  std::lock_guard lock(mutex_);
  cache_[full] = {stamp, hash};
  new_.push_back({full, stamp, hash});
}

FileDigest FileDigests::hash_file(const std::string& path, const std::string& full) {
  Hasher hasher;
  FileStamp stamp = read_regular(path, full, [&](std::string_view bytes) { hasher.bytes(bytes); });
  Hash128 hash = hasher.finish();
  remember(full, stamp, hash);
  return FileDigest{path, stamp, hash};
}

std::optional<ListedFiles> FileDigests::read_list(const std::string& path, Reading reading) {
  // Its stamp as look() knows it (not stat'ed again while watched and unchanged).
  InputLook known = look(path, false, false, Reading::KnownOnly);
  std::string full = resolve(path);
  if (known.kind == InputLook::Kind::Hashed) {
    std::lock_guard lock(mutex_);
    auto it = lists_.find(full);
    if (it != lists_.end() && it->second.digest.stamp == known.digest.stamp &&
        it->second.digest.hash == known.digest.hash) {
      return it->second;
    }
  }
  if (reading != Reading::Allowed) return std::nullopt;
  Hasher hasher;
  std::string text;
  FileStamp stamp = read_regular(path, full, [&](std::string_view bytes) {
    hasher.bytes(bytes);
    text += bytes;
  });
  ListedFiles listed{FileDigest{path, stamp, hasher.finish()}, {}};
  for (std::size_t from = 0; from < text.size();) {
    std::size_t end = std::min(text.find('\n', from), text.size());
    std::string_view line(text.data() + from, end - from);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) listed.paths.emplace_back(line);
    from = end + 1;
  }
  remember(full, stamp, listed.digest.hash);
  std::lock_guard lock(mutex_);
  lists_[full] = listed;
  return listed;
}

void FileDigests::preload(const std::vector<FileDigest>& digests) {
  std::lock_guard lock(mutex_);
  for (const auto& d : digests) cache_[d.path] = {d.stamp, d.hash};
}

void FileDigests::refresh() {
  if (!watch_) return;
  std::lock_guard lock(mutex_);
  FileWatch::Changes changes = watch_->drain();
  if (changes.everything) {
    for (auto& [path, entry] : cache_) entry.watched = false;
    for (auto& [pattern, expansion] : expansions_) expansion.watched = false;
    return;
  }
  for (const auto& path : changes.paths) {
    if (auto it = cache_.find(path); it != cache_.end()) it->second.watched = false;
  }
  for (auto& [pattern, expansion] : expansions_) {
    for (const auto& dir : changes.listings) {
      if (expansion.directory_path == dir) expansion.watched = false;
    }
  }
  // Rare (a watched directory removed, moved or its permissions changed):
  // a scan of everything known is fine.
  for (const auto& dir : changes.subtrees) {
    for (auto& [path, entry] : cache_) {
      if (below(path, dir)) entry.watched = false;
    }
    for (auto& [pattern, expansion] : expansions_) {
      if (expansion.directory_path == dir || below(expansion.directory_path, dir)) {
        expansion.watched = false;
      }
    }
  }
}

std::vector<FileDigest> FileDigests::take_new() {
  std::lock_guard lock(mutex_);
  return std::exchange(new_, {});
}

std::vector<std::string> FileDigests::expand(const std::string& pattern) {
  std::size_t slash = pattern.rfind('/');
  std::string directory = slash == std::string::npos ? "." : pattern.substr(0, slash + 1);
  if (directory.find_first_of("*?[") != std::string::npos) return run_glob(pattern);
  std::string directory_path = directory == "." ? watch_root(root_) : resolve(directory);
  while (directory_path.size() > 1 && directory_path.back() == '/') directory_path.pop_back();
  bool covered = false;
  if (watch_) {
    std::lock_guard lock(mutex_);
    auto it = expansions_.find(pattern);
    if (it != expansions_.end() && it->second.watched) return it->second.paths;
    covered = watch_->cover_directory(directory_path);
  }
  std::optional<FileStamp> stamp = stamp_of(resolve(directory));
  if (!stamp) return {};
  {
    std::lock_guard lock(mutex_);
    auto it = expansions_.find(pattern);
    if (it != expansions_.end() && it->second.directory == *stamp) {
      it->second.watched = covered;
      return it->second.paths;
    }
  }
  std::vector<std::string> paths = run_glob(pattern);
  std::lock_guard lock(mutex_);
  expansions_[pattern] = {directory_path, *stamp, paths, covered};
  return paths;
}

std::vector<std::string> FileDigests::run_glob(const std::string& pattern) const {
  bool relative = !std::filesystem::path(pattern).is_absolute();
  const std::string& prefix = relative ? root_prefix_ : std::string();
  glob_t g{};
  // Sorted below, bytewise: glob's own sort follows the locale.
  int rc = ::glob((prefix + pattern).c_str(), GLOB_NOSORT, nullptr, &g);
  std::vector<std::string> paths;
  if (rc == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      std::string p = g.gl_pathv[i];
      paths.push_back(relative ? p.substr(prefix.size()) : p);
    }
  }
  ::globfree(&g);
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace taskfs
