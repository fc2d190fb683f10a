// Parameter values of tasks: the types a param can have and their runtime form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace taskfs {

// A set of input files named by a glob pattern relative to the project root.
// Hashed by content; the task sees the matched files in sorted order.
class Files {
 public:
  Files() = default;
  explicit Files(std::string pattern, std::vector<std::string> paths = {})
      : pattern_(std::move(pattern)), paths_(std::move(paths)) {}

  // The glob pattern as declared or overridden.
  const std::string& pattern() const { return pattern_; }
  // The matched paths, sorted; relative to the project root or absolute.
  const std::vector<std::string>& paths() const { return paths_; }

  bool operator==(const Files&) const = default;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(pattern_, paths_);
  }

 private:
  std::string pattern_;
  std::vector<std::string> paths_;
};

// One input file, hashed by content.
class File {
 public:
  File() = default;
  explicit File(std::string path) : path_(std::move(path)) {}

  // The path, relative to the project root or absolute.
  const std::string& path() const { return path_; }

  bool operator==(const File&) const = default;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(path_);
  }

 private:
  std::string path_;
};

// The files an .each task runs once per (SPEC 6) when they are named rather
// than matched by a glob: the paths given in the code, or the paths a list
// file names, one a line (empty lines skipped). The list file is an input:
// editing it re-lists the elements.
class FileList {
 public:
  FileList() = default;
  FileList(std::vector<std::string> paths, std::optional<std::string> list_file)
      : paths_(std::move(paths)), list_file_(std::move(list_file)) {}

  // The paths given, in order; relative to the project root or absolute.
  const std::vector<std::string>& paths() const { return paths_; }
  // The file that names the paths instead (nullopt when they are given).
  const std::optional<std::string>& list_file() const { return list_file_; }

  bool operator==(const FileList&) const = default;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(paths_, list_file_);
  }

 private:
  std::vector<std::string> paths_;
  std::optional<std::string> list_file_;
};

// Declares a param whose value is the files matching `pattern`.
inline Files glob(std::string pattern) { return Files(std::move(pattern)); }
// Declares a param whose value is the file at `path`.
inline File file(std::string path) { return File(std::move(path)); }
// The source of .each(...) that runs once per path given, in order.
inline FileList files(std::vector<std::string> paths) { return FileList(std::move(paths), {}); }
// The source of .each(...) that runs once per path `list_file` names, one a line.
inline FileList file_list(std::string list_file) { return FileList({}, std::move(list_file)); }

// The type of a param; the order matches the alternatives of Value.
enum class ParamType : std::uint8_t { Bool, Int, Double, String, Files, File, UInt };

// A param value at runtime. Signed integers of every width are carried as
// int64, unsigned ones as uint64 (so an unsigned 64-bit param takes its whole
// range). UInt comes last so that the other alternatives keep their index.
using Value = std::variant<bool, std::int64_t, double, std::string, Files, File, std::uint64_t>;

// The type a Value holds.
inline ParamType type_of(const Value& v) { return static_cast<ParamType>(v.index()); }

}  // namespace taskfs
