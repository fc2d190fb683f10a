// libtaskfs-remote.so: the PostgreSQL team cache behind its entry point, for
// open_team_cache() to load when a project names a remote.
#include "remote/remote_cache.hpp"

extern "C" taskfs::remote::TeamCache* taskfs_make_team_cache(
    const taskfs::remote::RemoteOptions& options) {
  return new taskfs::remote::RemoteCache(options);  // owned by the caller's unique_ptr
}
