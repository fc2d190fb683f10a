#include "key/input_confinement.hpp"

#include <cerrno>

#include "spec/variant.hpp"

namespace taskfs {
namespace fs = std::filesystem;
namespace {

// The path with its links resolved as far as it exists (the rest lexically).
fs::path resolved(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : out;
}

std::string with_slash(const fs::path& dir) {
  std::string s = dir.string();
  return s.ends_with('/') ? s : s + "/";
}

}  // namespace

InputConfinement::InputConfinement(const fs::path& root, const std::vector<fs::path>& allowed) {
  dirs_.push_back(with_slash(resolved(root)));
  for (const auto& dir : allowed) {
    dirs_.push_back(with_slash(resolved(dir.is_absolute() ? dir : root / dir)));
  }
}

void InputConfinement::check_file(const std::string& shown, const std::string& full) const {
  check(shown, resolved(full));
}

void InputConfinement::check_pattern(const std::string& shown, const std::string& full) const {
  fs::path fixed;
  for (const auto& part : fs::path(full)) {
    if (part.string().find_first_of("*?[") != std::string::npos) break;
    fixed /= part;
  }
  check(shown, resolved(fixed));
}

void InputConfinement::check(const std::string& shown, const fs::path& resolved) const {
  std::string path = with_slash(resolved);
  for (const auto& dir : dirs_) {
    if (path.starts_with(dir)) return;
  }
  throw spec::PathError(EACCES, "input '" + shown + "' is outside the project (it is " +
                                    resolved.string() +
                                    "); a path may name files below the project root, or below "
                                    "a directory listed in 'allow_paths = DIR ...' in taskfs.ini");
}

}  // namespace taskfs
