#include "cli/engine_session.hpp"

#include "spec/variant.hpp"

namespace taskfs::cli {

std::unique_ptr<Engine> open_engine(const Project& project) {
  EngineOptions options;
  options.project_root = project.root;
  options.library = project.tasks;
  options.store_dir = project.store;
  options.allowed_paths = project.allowed_paths;
  options.jobs = project.jobs;
  options.remote = project.remote;
  auto engine = std::make_unique<Engine>(options);
  if (engine->catalog().generation == 0) {
    throw std::runtime_error(engine->status().library_error);
  }
  return engine;
}

std::shared_ptr<const Request> resolve_path(Engine& engine, const std::string& path) {
  std::string_view p = path;
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  std::size_t slash = p.find('/');
  try {
    return slash == std::string_view::npos
               ? engine.resolve(p, spec::kDefaultVariant)
               : engine.resolve(p.substr(0, slash), p.substr(slash + 1));
  } catch (const spec::PathError& e) {
    throw UsageError(path + ": " + e.what());
  }
}

}  // namespace taskfs::cli
