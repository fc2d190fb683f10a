#include "cli/engine_session.hpp"

#include "spec/variant.hpp"

namespace taskfs::cli {

std::unique_ptr<Engine> open_engine(const Project& project) {
  auto engine = std::make_unique<Engine>(project.engine);
  if (engine->catalog().generation == 0) {
    throw std::runtime_error(engine->status().library_error);
  }
  return engine;
}

std::shared_ptr<const Request> resolve_path(Engine& engine, const std::string& path) {
  try {
    return engine.resolve_path(path);
  } catch (const spec::PathError& e) {
    throw UsageError(path + ": " + e.what());
  }
}

}  // namespace taskfs::cli
