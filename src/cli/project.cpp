#include "cli/project.hpp"

#include <charconv>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

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

std::uint64_t parse_size(const std::string& text, const std::string& what) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
  int shift = suffix.empty()  ? 0
              : suffix == "K" ? 10
              : suffix == "M" ? 20
              : suffix == "G" ? 30
              : suffix == "T" ? 40
                              : -1;
  if (ec != std::errc{} || end == text.data() || shift < 0 || value == 0 ||
      value > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
    throw UsageError(what + ": expected a size such as 10M (bytes, or K, M, G, T), got '" + text +
                     "'");
  }
  return value << shift;
}

void add_project_options(po::options_description& options) {
  options.add_options()("tasks", po::value<std::string>()->value_name("LIB"),
                        "the task library (.so)")(
      "store", po::value<std::string>()->value_name("DIR"), "the store directory")(
      "jobs,j", po::value<int>()->value_name("N"), "worker processes (0: one per core)")(
      "remote", po::value<std::string>()->value_name("CONNINFO"),
      "the team cache: a PostgreSQL connection string (libpq)");
}

namespace {

// A timeout in seconds, as taskfs.ini and --task-timeout spell it (0: none).
double parse_seconds(const std::string& text, const std::string& what) {
  double seconds = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || !(seconds >= 0) || seconds > 1e9) {
    throw UsageError(what + ": expected a number of seconds such as 600 (0: no limit), got '" +
                     text + "'");
  }
  return seconds;
}

}  // namespace

void add_allow_path_option(po::options_description& options) {
  options.add_options()("allow-path",
                        po::value<std::vector<std::string>>()->value_name("DIR")->composing(),
                        "file values given in a path may also lie below DIR (repeatable; "
                        "replaces allow_paths)");
}

void add_timeout_option(po::options_description& options) {
  options.add_options()("task-timeout", po::value<std::string>()->value_name("SECONDS"),
                        "stop a task that runs longer (unless it sets its own .timeout(); "
                        "0: no limit)");
}

void add_task_log_option(po::options_description& options) {
  options.add_options()("task-log-max-size", po::value<std::string>()->value_name("SIZE"),
                        "keep the last SIZE bytes a task prints in a run (default 16M)");
}

Project load_project(const po::variables_map& flags, bool needs_library) {
  Project p;
  p.engine.project_root = fs::current_path();
  std::string tasks, store = ".taskfs", mountpoint = "mnt", log_max_size, store_max_size,
                     task_log_max_size, task_timeout;
  std::vector<std::string> allow_paths;
  if (auto file = find_project_file()) {
    p.engine.project_root = file->parent_path();
    po::options_description keys;
    keys.add_options()("tasks", po::value(&tasks))("store", po::value(&store))(
        "mountpoint", po::value(&mountpoint))("jobs", po::value(&p.engine.jobs))(
        "remote", po::value(&p.engine.remote))("allow_paths", po::value(&allow_paths)->composing())(
        "allow_other", po::value(&p.allow_other))("log_max_size", po::value(&log_max_size))(
        "store_max_size", po::value(&store_max_size))(
        "task_log_max_size", po::value(&task_log_max_size))("task_timeout",
                                                            po::value(&task_timeout));
    std::ifstream in(*file);
    po::variables_map ini;
    try {
      po::store(po::parse_config_file(in, keys), ini);
      po::notify(ini);
    } catch (const po::error& e) {
      throw UsageError(file->string() + ": " + e.what());
    }
    if (!log_max_size.empty()) p.log_max_bytes = parse_size(log_max_size, "log_max_size");
    if (!store_max_size.empty()) {
      p.engine.store_max_bytes = parse_size(store_max_size, "store_max_size");
    }
    if (!task_log_max_size.empty()) {
      p.engine.task_log_max_size = parse_size(task_log_max_size, "task_log_max_size");
    }
    if (!task_timeout.empty()) {
      p.engine.task_timeout_seconds = parse_seconds(task_timeout, "task_timeout");
    }
  }
  const fs::path& root = p.engine.project_root;
  p.engine.library = tasks.empty() ? fs::path() : under(root, tasks);
  p.engine.store_dir = under(root, store);
  p.mountpoint = under(root, mountpoint);
  for (const auto& line : allow_paths) {
    std::istringstream dirs(line);  // "allow_paths = DIR DIR ...", on one line or several
    for (std::string dir; dirs >> dir;) p.engine.allowed_paths.push_back(under(root, dir));
  }
  fs::path cwd = fs::current_path();
  if (flags.count("tasks")) p.engine.library = under(cwd, flags["tasks"].as<std::string>());
  if (flags.count("store")) p.engine.store_dir = under(cwd, flags["store"].as<std::string>());
  if (flags.count("allow-path")) {
    p.engine.allowed_paths.clear();
    for (const auto& dir : flags["allow-path"].as<std::vector<std::string>>()) {
      p.engine.allowed_paths.push_back(under(cwd, dir));
    }
  }
  if (flags.count("jobs")) p.engine.jobs = flags["jobs"].as<int>();
  if (flags.count("remote")) p.engine.remote = flags["remote"].as<std::string>();
  if (flags.count("log-max-size")) {
    p.log_max_bytes = parse_size(flags["log-max-size"].as<std::string>(), "--log-max-size");
  }
  if (flags.count("store-max-size")) {
    p.engine.store_max_bytes =
        parse_size(flags["store-max-size"].as<std::string>(), "--store-max-size");
  }
  if (flags.count("task-log-max-size")) {
    p.engine.task_log_max_size =
        parse_size(flags["task-log-max-size"].as<std::string>(), "--task-log-max-size");
  }
  if (flags.count("task-timeout")) {
    p.engine.task_timeout_seconds =
        parse_seconds(flags["task-timeout"].as<std::string>(), "--task-timeout");
  }
  if (p.engine.jobs < 0) throw UsageError("-j must be 0 (one worker per core) or more");
  if (needs_library && p.engine.library.empty()) {
    throw UsageError("no task library: pass --tasks LIB or write 'tasks = ...' in taskfs.ini");
  }
  return p;
}

}  // namespace taskfs::cli
