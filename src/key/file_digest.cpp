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

#include "sys/io.hpp"

namespace taskfs {
namespace {

std::runtime_error unreadable(const std::string& path, int err) {
  return std::runtime_error("cannot read input file '" + path + "': " + std::strerror(err));
}

}  // namespace

FileDigests::FileDigests(std::filesystem::path root)
    : root_(std::move(root)),
      root_prefix_(root_.string() + "/"),
      root_fd_(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {}

FileDigests::~FileDigests() = default;

std::string FileDigests::resolve(const std::string& path) const {
  return !path.empty() && path[0] == '/' ? path : root_prefix_ + path;
}

FileDigest FileDigests::digest(const std::string& path) {
  std::optional<FileDigest> found = digest_unless_directory(path);
  if (!found) throw unreadable(path, EISDIR);
  return *found;
}

std::optional<FileDigest> FileDigests::digest_unless_directory(const std::string& path) {
  std::string full = resolve(path);
  bool relative = root_fd_ && !path.empty() && path[0] != '/';
  std::optional<FileStamp> found = relative ? stamp_of(path, root_fd_.get()) : stamp_of(full);
  if (!found) throw unreadable(path, errno);
  const FileStamp& stamp = *found;
  if (stamp.is_directory) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(full);
    if (it != cache_.end() && it->second.stamp == stamp)
      return FileDigest{path, stamp, it->second.hash};
  }
  Fd fd(::open(full.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw unreadable(path, errno);
  Hasher hasher;
  std::vector<char> buf(1 << 20);
  try {
    for (std::size_t n = buf.size(); n == buf.size();) {
      n = read_full(fd.get(), buf.data(), buf.size(), "reading");
      hasher.bytes(std::string_view(buf.data(), n));
    }
  } catch (const std::system_error& e) {
    throw unreadable(path, e.code().value());
  }
  Hash128 hash = hasher.finish();
  std::lock_guard lock(mutex_);
  cache_[full] = {stamp, hash};
  new_.push_back({full, stamp, hash});
  return FileDigest{path, stamp, hash};
}

void FileDigests::preload(const std::vector<FileDigest>& digests) {
  std::lock_guard lock(mutex_);
  for (const auto& d : digests) cache_[d.path] = {d.stamp, d.hash};
}

std::vector<FileDigest> FileDigests::take_new() {
  std::lock_guard lock(mutex_);
  return std::exchange(new_, {});
}

std::vector<std::string> FileDigests::expand(const std::string& pattern) {
  std::size_t slash = pattern.rfind('/');
  std::string directory = slash == std::string::npos ? "." : pattern.substr(0, slash + 1);
  if (directory.find_first_of("*?[") != std::string::npos) return run_glob(pattern);
  std::optional<FileStamp> stamp = stamp_of(resolve(directory));
  if (!stamp) return {};
  {
    std::lock_guard lock(mutex_);
    auto it = expansions_.find(pattern);
    if (it != expansions_.end() && it->second.directory == *stamp) return it->second.paths;
  }
  std::vector<std::string> paths = run_glob(pattern);
  std::lock_guard lock(mutex_);
  expansions_[pattern] = {*stamp, paths};
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
