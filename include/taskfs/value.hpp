// Parameter values of tasks: the types a param can have and their runtime form.
#pragma once

#include <cstdint>
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

// Declares a param whose value is the files matching `pattern`.
inline Files glob(std::string pattern) { return Files(std::move(pattern)); }
// Declares a param whose value is the file at `path`.
inline File file(std::string path) { return File(std::move(path)); }

// The type of a param; the order matches the alternatives of Value.
enum class ParamType : std::uint8_t { Bool, Int, Double, String, Files, File, UInt };

// A param value at runtime. Signed integers of every width are carried as
// int64, unsigned ones as uint64 (so an unsigned 64-bit param takes its whole
// range). UInt comes last so that the other alternatives keep their index.
using Value = std::variant<bool, std::int64_t, double, std::string, Files, File, std::uint64_t>;

// The type a Value holds.
inline ParamType type_of(const Value& v) { return static_cast<ParamType>(v.index()); }

}  // namespace taskfs
