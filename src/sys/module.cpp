#include "sys/module.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace taskfs {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> module_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("TASKFS_MODULE_DIR")) dirs.emplace_back(env);
  fs::path program_dir = fs::read_symlink("/proc/self/exe").parent_path();
  dirs.push_back(program_dir);
  dirs.push_back((program_dir / TASKFS_MODULE_DIR_FROM_PROGRAM).lexically_normal());
  return dirs;
}

}  // namespace

void* module_symbol(const std::string& file, const char* symbol) {
  std::string tried;
  for (const auto& dir : module_dirs()) {
    fs::path path = dir / file;
    if (!fs::exists(path)) {
      tried += " " + dir.string();
      continue;
    }
    // Never unloaded: a module may leave threads' state and atexit handlers.
    void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr) throw std::runtime_error(std::string("cannot load ") + ::dlerror());
    void* address = ::dlsym(module, symbol);
    if (address == nullptr) throw std::runtime_error(path.string() + " has no " + symbol);
    return address;
  }
  throw std::runtime_error("cannot find " + file + " (looked in" + tried + ")");
}

}  // namespace taskfs
