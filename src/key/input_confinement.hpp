// Where input files named in a path may lie. A reader of the mount chooses the
// values in a path, so a file or glob value given there is confined to the
// project root and the directories of `allow_paths`; values written in the task
// code are trusted as they are.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace taskfs {

class InputConfinement {
 public:
  // Files may lie below `root` or below one of `allowed` (relative ones are
  // taken from `root`), symbolic links resolved.
  InputConfinement(const std::filesystem::path& root,
                   const std::vector<std::filesystem::path>& allowed);

  // Throws spec::PathError(EACCES) when the file `full` (absolute), links
  // resolved, lies outside; `shown` names it in the message.
  void check_file(const std::string& shown, const std::string& full) const;
  // The same for the directory a glob pattern starts from: its components
  // before the first one with a wildcard. `full` is the absolute pattern.
  void check_pattern(const std::string& shown, const std::string& full) const;

 private:
  void check(const std::string& shown, const std::filesystem::path& resolved) const;

  std::vector<std::string> dirs_;  // canonical, each ending in '/'
};

}  // namespace taskfs
