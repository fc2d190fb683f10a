// The FUSE daemon: mounts a project's tasks and serves them until unmounted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace taskfs::fs {

struct DaemonOptions {
  std::filesystem::path project_root;
  std::filesystem::path tasks;
  std::filesystem::path store;
  std::filesystem::path mountpoint;
  std::vector<std::filesystem::path> allowed_paths;  // see EngineOptions
  int jobs = 0;
  std::string remote;  // the team cache's connection string, or empty
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
