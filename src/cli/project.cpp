#include "cli/project.hpp"

#include <fstream>
#include <optional>

namespace taskfs::cli {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kProjectFile = "taskfs.ini";

std::optional<fs::path> find_project_file() {
  for (fs::path dir = fs::current_path();; dir = dir.parent_path()) {
    if (fs::exists(dir / kProjectFile)) return dir / kProjectFile;
    if (dir == dir.root_path()) return std::nullopt;
  }
}

fs::path under(const fs::path& base, const std::string& path) {
  fs::path p(path);
  return p.is_absolute() ? p : (base / p).lexically_normal();
}

}  // namespace

void add_project_options(po::options_description& options) {
  options.add_options()("tasks", po::value<std::string>()->value_name("LIB"),
                        "the task library (.so)")(
      "store", po::value<std::string>()->value_name("DIR"), "the store directory")(
      "jobs,j", po::value<int>()->value_name("N"), "worker processes (0: one per core)")(
      "remote", po::value<std::string>()->value_name("CONNINFO"),
      "the team cache: a PostgreSQL connection string (libpq)");
}

Project load_project(const po::variables_map& flags) {
  Project p;
  p.engine.project_root = fs::current_path();
  std::string tasks, store = ".taskfs", mountpoint = "mnt";
  if (auto file = find_project_file()) {
    p.engine.project_root = file->parent_path();
    po::options_description keys;
    keys.add_options()("tasks", po::value(&tasks))("store", po::value(&store))(
        "mountpoint", po::value(&mountpoint))("jobs", po::value(&p.engine.jobs))(
        "remote", po::value(&p.engine.remote));
    std::ifstream in(*file);
    po::variables_map ini;
    try {
      po::store(po::parse_config_file(in, keys), ini);
      po::notify(ini);
    } catch (const po::error& e) {
      throw UsageError(file->string() + ": " + e.what());
    }
  }
  p.engine.library = tasks.empty() ? fs::path() : under(p.engine.project_root, tasks);
  p.engine.store_dir = under(p.engine.project_root, store);
  p.mountpoint = under(p.engine.project_root, mountpoint);
  fs::path cwd = fs::current_path();
  if (flags.count("tasks")) p.engine.library = under(cwd, flags["tasks"].as<std::string>());
  if (flags.count("store")) p.engine.store_dir = under(cwd, flags["store"].as<std::string>());
  if (flags.count("jobs")) p.engine.jobs = flags["jobs"].as<int>();
  if (flags.count("remote")) p.engine.remote = flags["remote"].as<std::string>();
  if (p.engine.jobs < 0) throw UsageError("-j must be 0 (one worker per core) or more");
  if (p.engine.library.empty()) {
    throw UsageError("no task library: pass --tasks LIB or write 'tasks = ...' in taskfs.ini");
  }
  return p;
}

}  // namespace taskfs::cli
