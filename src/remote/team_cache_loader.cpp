#include "remote/team_cache.hpp"
#include "sys/module.hpp"

namespace taskfs::remote {

std::unique_ptr<TeamCache> open_team_cache(const RemoteOptions& options) {
  static const auto make = reinterpret_cast<MakeTeamCache>(
      module_symbol("libtaskfs-remote.so", "taskfs_make_team_cache"));
  return std::unique_ptr<TeamCache>(make(options));
}

}  // namespace taskfs::remote
