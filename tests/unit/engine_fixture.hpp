// The fixture of the engine tests: a real Engine whose worker processes run the
// tasks of tests/project/engine_tasks.cpp, in a temp dir that is the project
// root and holds the store. Executions are counted in the store's run log,
// never inferred from timing.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.hpp"
#include "spec/percent.hpp"
#include "spec/variant.hpp"
#include "test_support.hpp"

namespace taskfs::test {

namespace fs = std::filesystem;

class EngineFixture : public ::testing::Test {
 protected:
  // Crashing tasks must not leave core files behind (workers inherit the limit).
  static void SetUpTestSuite() {
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
  }

  void TearDown() override {
    engine_.reset();
    if (log_fd_ >= 0) ::close(log_fd_);
  }

  // Starts the engine on `library` with a fresh store in the temp dir, which is
  // also the project root (the workers' working directory).
  Engine& start(int jobs = 2, const fs::path& library = TASKFS_TEST_TASKS) {
    engine_.reset();
    if (log_fd_ < 0) {
      log_fd_ =
          ::open((dir_ / "tasks.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    EngineOptions options;
    options.project_root = dir_.path();
    options.library = library;
    options.store_dir = dir_ / "store";
    options.allowed_paths = allowed_paths_;
    options.jobs = jobs;
    options.log_fd = log_fd_;
    options.worker_executable = TASKFS_WORKER_PATH;
    engine_ = std::make_unique<Engine>(options);
    return *engine_;
  }

  Engine& engine() { return engine_ ? *engine_ : start(); }

  // Resolves "task" or "task/variant".
  std::shared_ptr<const Request> request(std::string_view path) {
    std::size_t slash = path.find('/');
    if (slash == std::string_view::npos) return engine().resolve(path, spec::kDefaultVariant);
    return engine().resolve(path.substr(0, slash), path.substr(slash + 1));
  }

  Outcome compute(std::string_view path) { return engine().compute_blocking(request(path)); }

  // The file content of a path, computed if needed; the error when it fails.
  std::string text(std::string_view path) {
    Outcome o = compute(path);
    if (!o.ok) return "FAILED: " + o.error;
    std::optional<BlobReader> reader = engine().open_view(o.result);
    if (!reader) return "DAMAGED";
    std::string bytes(reader->size(), '\0');
    bytes.resize(reader->read(bytes.data(), bytes.size(), 0));
    return bytes;
  }

  // Successful runs of each task, to compare against an expectation at once.
  std::map<std::string, std::int64_t> runs(std::initializer_list<const char*> tasks) {
    std::map<std::string, std::int64_t> out;
    for (const char* t : tasks) out[t] = engine().store().count_runs(t);
    return out;
  }
  std::int64_t runs(const std::string& task) { return engine().store().count_runs(task); }

  std::int64_t failed_runs(const std::string& task) {
    std::int64_t n = 0;
    for (const auto& r : engine().store().recent_runs(1000)) n += r.task == task && !r.ok ? 1 : 0;
    return n;
  }

  // A path override value for an absolute path (its '/' percent-encoded).
  static std::string encoded(const fs::path& path) { return spec::percent_encode(path.string()); }

  // Replaces the file at `to` by a copy of `from` the way a linker does: a new
  // file renamed into place, so that running workers keep their mapping.
  void install_library(const fs::path& from, const fs::path& to) {
    fs::create_directories(to.parent_path());
    fs::path tmp = to;
    tmp += ".new";
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
    fs::rename(tmp, to);
  }

  test::TempDir dir_;
  std::vector<fs::path> allowed_paths_;  // taskfs.ini's allow_paths, for start()
  int log_fd_ = -1;
  std::unique_ptr<Engine> engine_;
};

// Successful runs per task, as EngineFixture::runs({...}) returns them.
using Runs = std::map<std::string, std::int64_t>;

}  // namespace taskfs::test
