#include "cli/daemon_client.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/daemon_link.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "sys/fd.hpp"

namespace taskfs::cli {
namespace fs = std::filesystem;

namespace {

// The file of PATH ("task", "task/variant" or "task/variant/element" of a
// collection) in the mount, or nullopt when PATH could name something else
// there (a control file, a parent directory): the in-process path then judges
// it. A whole collection is a directory there: opened, it is computed, then
// printed in process.
std::optional<fs::path> result_file(const fs::path& mount, const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '/');) parts.push_back(part);
  if (parts.empty() || parts.size() > 3 || path.back() == '/' || parts[0].starts_with('.')) {
    return std::nullopt;
  }
  for (const auto& part : parts) {
    if (part.empty() || part == "." || part == "..") return std::nullopt;
  }
  if (parts.size() == 1) parts.emplace_back("default");
  fs::path file = mount;
  for (const auto& part : parts) file /= part;
  return file;
}

// One PATH opened through the mount: the open blocks while the daemon
// computes, so opens run at once, one thread each.
struct Opened {
  fs::path file;
  Fd fd;
  int error = 0;  // errno of the open; EISDIR when not a regular file
};

Opened open_result(fs::path file) {
  Opened o;
  o.file = std::move(file);
  o.fd = Fd(::open(o.file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!o.fd) {
    o.error = errno;
    return o;
  }
  struct stat st {};
  if (::fstat(o.fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) o.error = EISDIR;
  return o;
}

std::vector<Opened> open_all(std::vector<fs::path> files) {
  std::vector<std::future<Opened>> later;
  for (std::size_t i = 1; i < files.size(); ++i) {
    later.push_back(std::async(std::launch::async, open_result, std::move(files[i])));
  }
  std::vector<Opened> opened;
  opened.push_back(open_result(std::move(files[0])));
  for (auto& f : later) opened.push_back(f.get());
  return opened;
}

// Why the daemon failed a result: its canonical path and error, as the
// in-process `taskfs run` prints them.
std::string failure_of(const fs::path& file) {
  std::string canonical = attribute_of(file, "user.taskfs.canonical").value_or(file.filename());
  std::string error = attribute_of(file, "user.taskfs.error").value_or("");
  return canonical + ": " + (error.empty() ? std::strerror(EIO) : error);
}

// What the daemon runs and queues, from its status file.
ProgressState daemon_progress(const fs::path& mount) {
  ProgressState state;
  std::ifstream status(mount / ".taskfs" / "status");
  bool in_running = false;
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("running: ")) {
      in_running = true;
    } else if (in_running && line.starts_with("  ")) {
      state.running.push_back(line.substr(2, line.find("  ", 2) - 2));
    } else if (line.starts_with("waiting: ")) {
      state.queued = std::strtoull(line.c_str() + 9, nullptr, 10);
      break;
    } else {
      in_running = false;
    }
  }
  return state;
}

}  // namespace

std::optional<int> run_through_daemon(const Project& project,
                                      const std::vector<std::string>& paths) {
  std::optional<fs::path> mount = live_mount(project);
  if (!mount) return std::nullopt;
  ::signal(SIGPIPE, SIG_IGN);  // a reader of stdout that leaves is EPIPE, not death
  std::vector<fs::path> files;
  for (const auto& path : paths) {
    auto file = result_file(*mount, path);
    if (!file) return std::nullopt;
    files.push_back(std::move(*file));
  }
  std::vector<Opened> opened;
  {
    Progress progress([&] { return daemon_progress(*mount); });
    opened = open_all(std::move(files));
  }
  // A failed task is EIO; anything else (no such task or param, a value
  // that does not parse) is a bad path, which the in-process path explains.
  for (const auto& o : opened) {
    if (o.error != 0 && o.error != EIO) return std::nullopt;
  }
  int status = 0;
  for (const auto& o : opened) {
    if (o.error == EIO) {
      std::cerr << "taskfs: " << failure_of(o.file) << "\n";
      status = 1;
    } else if (!copy_to_stdout(o.fd.get())) {
      break;  // the reader of stdout went away
    }
  }
  return status;
}

}  // namespace taskfs::cli
