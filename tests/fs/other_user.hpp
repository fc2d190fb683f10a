// Another local user, for what the daemon's store and mount give away to
// someone who is not the user running taskfs.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace taskfs::fstest {

struct OtherUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;

  // `argv` run as this user (through setpriv, without its supplementary groups).
  std::vector<std::string> command(const std::vector<std::string>& argv) const;
};

// The user "taskfs-other", created (useradd, no home, no login shell) if it
// does not exist. nullopt, with the reason in `why`, when not running as root.
std::optional<OtherUser> other_user(std::string& why);

}  // namespace taskfs::fstest
