#include "sys/dir.hpp"

#include <dirent.h>

#include <cerrno>
#include <memory>

namespace taskfs {

std::optional<std::vector<std::string>> entry_names(Fd dir) {
  if (!dir) {
    errno = EBADF;
    return std::nullopt;
  }
  std::unique_ptr<DIR, int (*)(DIR*)> listing(::fdopendir(dir.get()), ::closedir);
  if (!listing) return std::nullopt;
  static_cast<void>(dir.release());  // the listing owns it now
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(listing.get())) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  return names;
}

}  // namespace taskfs
