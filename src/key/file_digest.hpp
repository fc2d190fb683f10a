// Content hashes of input files, with a stat cache: a file whose inode, size,
// mtime and ctime are unchanged is not read again.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "key/file_stamp.hpp"
#include "key/file_watch.hpp"
#include "key/hash.hpp"
#include "key/input_confinement.hpp"
#include "sys/fd.hpp"

namespace taskfs {

// A file's content hash and the stat stamp it was taken at.
struct FileDigest {
  std::string path;  // absolute
  FileStamp stamp;
  Hash128 hash;
};

// Whether digesting may read a file that the stat cache cannot answer for
// (one never hashed, or changed since). Lookups, stat and xattrs use KnownOnly:
// they must never wait on a file (a huge one, a slow disk, a FIFO's stand-in).
// Marked is KnownOnly for explanations (`why`): see kNotHashedYet.
enum class Reading { Allowed, KnownOnly, Marked };

// The stand-in content hash of a file not hashed since it last changed, in a
// key made with Reading::Marked: such a key explains, it is never looked up
// for a result nor stored.
inline constexpr Hash128 kNotHashedYet{~0ULL, ~0ULL};

// What digesting one input found.
struct InputLook {
  // Missing: only from look_listed (a file list may name a file that is not there).
  enum class Kind { Hashed, Directory, NotHashedYet, Missing };
  Kind kind = Kind::NotHashedYet;
  FileDigest digest;  // when Hashed
};

// A list file's digest and the paths it names, one a line.
struct ListedFiles {
  FileDigest digest;
  std::vector<std::string> paths;
};

// Only regular files are inputs: a device, a FIFO or a socket is refused
// without being read (spec::PathError, EINVAL), so that /dev/zero or a FIFO
// cannot block the daemon. A `confined` path (one a reader gave in a path) must
// also lie in the project or `allowed` (EACCES otherwise, see InputConfinement).
class FileDigests {
 public:
  // Relative paths are taken from `root` (the project root). With
  // `watch_files`, files below the root are watched (FileWatch) and a file
  // nothing touched since its last stat is not stat'ed again: for a
  // long-lived process (the daemon), which calls refresh() before each pass.
  explicit FileDigests(std::filesystem::path root,
                       const std::vector<std::filesystem::path>& allowed = {},
                       bool watch_files = false);
  ~FileDigests();
  FileDigests(const FileDigests&) = delete;
  FileDigests& operator=(const FileDigests&) = delete;

  // The content hash of a file and the stamp it was taken at. Throws
  // spec::PathError when it is refused (a directory is), std::runtime_error
  // when it cannot be read.
  FileDigest digest(const std::string& path, bool confined = false);
  // The hash and the stamp it was taken at, or nullopt for a directory (a glob
  // may match one; it is not an input).
  std::optional<FileDigest> digest_unless_directory(const std::string& path, bool confined = false);
  // Both of the above: a directory is refused unless `glob_match`; with
  // Reading::KnownOnly a file whose stamp the cache does not hold is
  // NotHashedYet, unread. Throws as digest() does.
  InputLook look(const std::string& path, bool confined, bool glob_match, Reading reading);
  // look() of a file that a file list names (never confined, never a
  // directory): one that does not exist is Kind::Missing, not an error.
  InputLook look_listed(const std::string& path, Reading reading);
  // The paths the list file `path` names, one a line (a trailing '\r' cut,
  // empty lines skipped), and its digest, taken from the same bytes. Read
  // again only when its stamp changed; with Reading::KnownOnly or Marked,
  // nullopt when it would have to be read. Throws as digest() does.
  std::optional<ListedFiles> read_list(const std::string& path, Reading reading);
  // Every read in progress or to come fails (std::runtime_error): the engine
  // is shutting down and nobody waits for a hash any more.
  void stop() { stopping_ = true; }
  // The checks of a confined digest() without reading the file: throws
  // spec::PathError when `path` would be refused. A file that does not exist
  // passes (reading it will say so); a directory passes when `glob_match`.
  void admit(const std::string& path, bool glob_match) const;
  // Throws spec::PathError(EACCES) when a glob pattern given in a path starts
  // outside the project.
  void admit_pattern(const std::string& pattern) const;

  // Takes in what the watch saw change since the last call; a keying pass
  // calls it once before it looks at files (without a watch it does nothing).
  void refresh();

  // Digests remembered from an earlier process (the store keeps them).
  void preload(const std::vector<FileDigest>& digests);
  // The digests computed since the last call, for the caller to persist.
  std::vector<FileDigest> take_new();

  // The files matching a glob pattern, sorted, spelled as the pattern is
  // (relative patterns give relative paths).
  std::vector<std::string> expand(const std::string& pattern);

 private:
  struct Entry {
    FileStamp stamp;
    Hash128 hash;
    bool watched = false;  // the stamp still holds: the watch saw nothing change the file
  };
  // A glob whose wildcards are all in its last component matches the same
  // names as long as its directory is unchanged (adding, removing or renaming
  // an entry changes the directory's mtime).
  struct Expansion {
    std::string directory_path;  // absolute
    FileStamp directory;
    std::vector<std::string> paths;
    bool watched = false;  // the watch saw no entry of the directory come or go
  };

  std::vector<std::string> run_glob(const std::string& pattern) const;
  // look() of a file the watch answers for: its digest, without a stat.
  // Else nullopt, and `covered` tells whether the watch now covers it.
  std::optional<InputLook> look_watched(const std::string& path, const std::string& full,
                                        bool confined, bool& covered);
  // look() once the stat of `path` found `found`.
  InputLook look_found(const std::string& path, const std::string& full, const FileStamp& found,
                       bool covered, Reading reading);
  // Reads the regular file `full` whole in chunks, each given to `chunk`;
  // its stamp when opened.
  FileStamp read_regular(const std::string& path, const std::string& full,
                         const std::function<void(std::string_view)>& chunk);
  // Remembers a digest read now (kept in the store by the caller).
  void remember(const std::string& full, const FileStamp& stamp, const Hash128& hash);
  // The stamp of `path`, checked as an input (see admit); nullopt when it
  // cannot be stat'ed (errno says why).
  std::optional<FileStamp> checked_stamp(const std::string& path, bool confined,
                                         bool glob_match) const;
  // The content hash of the regular file `full`, read now.
  FileDigest hash_file(const std::string& path, const std::string& full);

  // The absolute path of a path relative to the root (or already absolute).
  std::string resolve(const std::string& path) const;
  // Whether `full` is a regular file with one name: not a symbolic link, nor
  // a file with other hard links, which could change without an event in the
  // watched directory (inotify tells the directory a file was written through).
  static bool plain_file(const std::string& full);

  std::filesystem::path root_;
  std::string root_prefix_;
  Fd root_fd_;  // stat relative to it: shorter path walks than absolute paths
  InputConfinement confinement_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;
  std::vector<FileDigest> new_;
  std::unordered_map<std::string, Expansion> expansions_;  // by pattern
  std::unordered_map<std::string, ListedFiles> lists_;     // by absolute path
  std::unique_ptr<FileWatch> watch_;                       // null: stat every time
  std::atomic<bool> stopping_{false};
};

}  // namespace taskfs
