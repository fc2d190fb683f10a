// The path grammar of a variant (SPEC section 2):
//   variant  := override (',' override)*
//   override := [task '='] param ':' value
// An override without `task=` applies to the current group's task: the file's
// own task at first, then the last `task=` seen. `default` has no overrides.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace taskfs::spec {

// A path that names no file (errno ENOENT) or a value that does not parse (EINVAL).
class PathError : public std::runtime_error {
 public:
  PathError(int error_number, const std::string& message)
      : std::runtime_error(message), error_number_(error_number) {}
  // The errno a reader of the path sees.
  int error_number() const { return error_number_; }

 private:
  int error_number_;
};

// One `task=param:value`, with the value percent-decoded.
struct Override {
  std::string task;
  std::string param;
  std::string value;
};

// The name of the file with no overrides.
inline constexpr std::string_view kDefaultVariant = "default";

// A path of the mount below its root: "task" or "task/variant".
struct TaskPath {
  std::string_view task;
  std::string_view variant;  // kDefaultVariant when the path names only the task
};

// Splits "task" or "task/variant" (trailing slashes ignored); the one place
// that reads a path as a whole.
TaskPath split_path(std::string_view path);

// A path that may name one element of a collection (SPEC 6).
struct ElementPath {
  TaskPath result;
  std::string_view element;  // its file name (percent-encoded); empty for a whole result
};
// Splits "task[/variant[/element]]" (trailing slashes ignored).
ElementPath split_element_path(std::string_view path);

// The file name of the collection element named `name`: percent-encoded like
// a value, with the dots of "." and ".." encoded too (no directory may list
// those as files).
std::string element_file_name(std::string_view name);
// The element name a file name spells; nullopt when it is empty or has a
// malformed escape.
std::optional<std::string> element_name(std::string_view file_name);

// Splits a variant into overrides. Throws PathError: ENOENT when an override
// is not `[task=]param:value` (no file has that name), EINVAL when a value's
// percent escapes are malformed (the value does not parse, as SPEC's EINVAL
// case says; README's errno table lists both).
std::vector<Override> parse_variant(std::string_view own_task, std::string_view variant);

// Canonical values of overridden params: task -> param -> value text.
using OverrideMap = std::map<std::string, std::map<std::string, std::string>>;

// The canonical spelling: the own task's params first without prefix, then the
// other tasks by name, params by name, values percent-encoded; `default` if none.
std::string format_variant(std::string_view own_task, const OverrideMap& overrides);

// Orders spellings as people read them: digit runs by number, so k:5 comes
// before k:20.
bool natural_less(std::string_view a, std::string_view b);

}  // namespace taskfs::spec
