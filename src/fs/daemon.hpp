// The FUSE daemon: mounts a project's tasks and serves them until unmounted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/options.hpp"

namespace taskfs::fs {

// What the daemon serves (the engine's configuration) and where.
struct DaemonOptions {
  EngineOptions engine;
  std::filesystem::path mountpoint;
  bool foreground = false;
  // Lets every user read the mount, not only the one who mounted it. A
  // regular user needs `user_allow_other` in /etc/fuse.conf for it.
  bool allow_other = false;
  std::uint64_t log_max_bytes = 0;  // the log's rotation size; 0: never rotated
};

// Mounts and serves; returns the exit status. Daemonizes unless foreground,
// returning in the parent once the mount is ready (or failed).
int mount_and_serve(const DaemonOptions& options);

// Unmounts `mountpoint` (the daemon then exits); exit status.
int unmount(const std::filesystem::path& mountpoint);

}  // namespace taskfs::fs
