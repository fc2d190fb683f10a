#include "fs/daemon.hpp"

#include <iostream>

namespace taskfs::fs {

int mount_and_serve(const DaemonOptions&) {
  std::cerr << "taskfs mount: not yet\n";
  return 1;
}

int unmount(const std::filesystem::path&) { return 1; }

}  // namespace taskfs::fs
