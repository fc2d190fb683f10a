#include "cli/engine_session.hpp"

namespace taskfs::cli {

std::unique_ptr<Engine> open_engine(const Project& project) {
  EngineOptions options;
  options.project_root = project.root;
  options.library = project.tasks;
  options.store_dir = project.store;
  options.jobs = project.jobs;
  options.remote = project.remote;
  auto engine = std::make_unique<Engine>(options);
  if (engine->catalog().generation == 0) {
    throw std::runtime_error(engine->status().library_error);
  }
  return engine;
}

}  // namespace taskfs::cli
