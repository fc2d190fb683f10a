// The engine's configuration, on its own so that the front ends can compose
// theirs of it without the whole engine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace taskfs {

// What an engine works on; the front ends compose their configuration of it.
struct EngineOptions {
  std::filesystem::path project_root;
  std::filesystem::path library;
  std::filesystem::path store_dir;
  // Where file and glob values given in a path may lie besides the project
  // root (taskfs.ini's allow_paths); relative ones are taken from the root.
  std::vector<std::filesystem::path> allowed_paths;
  int jobs = 0;    // worker processes; 0: one per core
  int log_fd = 2;  // the workers' stdout and stderr outside runs
  // What a task prints while it runs is kept per run, its last bytes up to
  // this many (taskfs.ini's task_log_max_size).
  std::uint64_t task_log_max_size = std::uint64_t{16} << 20;
  // How long a task may run unless it sets its own .timeout() (taskfs.ini's
  // task_timeout); 0: no limit.
  double task_timeout_seconds = 0;
  std::string worker_executable;  // empty: taskfs-worker next to this program
  std::string remote;             // the team cache's libpq connection string; empty: none
  // store_max_size: past it, results are evicted after a write (least
  // recently read first); 0: unlimited.
  std::uint64_t store_max_bytes = 0;
  // Watch input files with inotify rather than stat each on every re-check
  // (FileDigests): for the daemon, which lives long enough to gain from it.
  bool watch_input_files = false;
};

}  // namespace taskfs
