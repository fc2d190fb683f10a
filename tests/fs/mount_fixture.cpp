#include "mount_fixture.hpp"

#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>

#include <iostream>
#include <sstream>
#include <thread>

#include "store/store.hpp"
#include "system_probes.hpp"
#include "../common/file_io.hpp"

namespace taskfs::fstest {
namespace fs = std::filesystem;
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(2);

// The pid a daemon wrote into the store's lock file ("pid N, mounted on ..."),
// if that process still runs the taskfs program.
std::optional<pid_t> daemon_of(const fs::path& store) {
  std::istringstream lock(test::read_file_or_empty(store / "daemon.lock"));
  std::string word;
  pid_t pid = 0;
  if (!(lock >> word >> pid) || word != "pid" || !process_alive(pid)) return std::nullopt;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  if (ec || exe.filename() != kTaskfs.filename()) return std::nullopt;
  return pid;
}

}  // namespace

void ProjectTest::SetUp() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/taskfs-fs-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp failed";
  root_ = pattern;
  io_ = root_ / "io";
  fs::create_directories(io_);
  // Pins the project root here, whatever taskfs.ini lies further up.
  write_file("taskfs.ini", "store = store\nmountpoint = mnt\n");
  write_file("data/words.txt", "alpha beta gamma\n");
  write_file("data/notes.txt", "some notes\n");
}

void ProjectTest::TearDown() {
  for (const auto& gate : gates_) open_gate(gate);  // lets every computation end
  for (auto& child : children_) child.send(SIGKILL);
  std::optional<pid_t> background_daemon = daemon_of(store());
  remove_mounts();
  stop_daemon();
  if (background_daemon && !eventually([&] { return !process_alive(*background_daemon); })) {
    ADD_FAILURE() << "the daemon " << *background_daemon << " did not exit after its unmount";
    ::kill(*background_daemon, SIGKILL);
  }
  children_.clear();
  expect_no_sanitizer_report();
  if (HasFailure()) {
    std::cerr << "---- " << (store() / "daemon.log").string() << ":\n" << daemon_log();
  }
  if (!mounts_under(root_).empty()) {
    ADD_FAILURE() << "still mounted under " << root_ << "; left in place";
    return;
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void ProjectTest::remove_mounts() {
  for (const fs::path& target : mounts_under(root_)) {
    run({kTaskfs, "unmount", target});
    if (mounted(target)) run({"fusermount3", "-uz", target});
    if (mounted(target)) ::umount2(target.c_str(), MNT_DETACH);
  }
}

void ProjectTest::stop_daemon() {
  if (!daemon_) return;
  // Unmounted, the daemon exits by itself; a hung one is killed.
  if (!daemon_->wait_for(std::chrono::seconds(5))) {
    ADD_FAILURE() << "the foreground daemon did not exit after its unmount; killing it";
    daemon_->send(SIGKILL);
    daemon_->wait_for();
  } else if (Finished ended = daemon_->finished(); !ended.succeeded()) {
    // In a sanitized build, a report (a leak found at exit, say) ends up here.
    ADD_FAILURE() << "the daemon ended with status " << ended.status << " after its unmount";
  }
  daemon_.reset();
}

void ProjectTest::expect_no_sanitizer_report() const {
  // The daemon and its workers write to the log, foreground or not; a worker
  // running a task writes to that run's task log.
  std::vector<fs::path> logs{store() / "daemon.log"};
  std::error_code ec;
  for (fs::recursive_directory_iterator it(store() / "logs", ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) logs.push_back(it->path());
  }
  for (const fs::path& log : logs) {
    std::string text = read_file(log.string());
    for (const char* report :
         {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
      EXPECT_EQ(text.find(report), std::string::npos) << "a sanitizer report in " << log;
    }
  }
}

void ProjectTest::write_file(std::string_view relative, std::string_view bytes) const {
  test::write_file(root_ / relative, bytes);
}

std::string ProjectTest::read_file(std::string_view relative) const {
  return test::read_file_or_empty(root_ / relative);
}

std::vector<std::string> ProjectTest::mount_command(const fs::path& mountpoint,
                                                    const fs::path& library, bool foreground,
                                                    int jobs) const {
  std::vector<std::string> argv = {kTaskfs,   "mount", mountpoint, "--tasks",           library,
                                   "--store", store(), "-j",       std::to_string(jobs)};
  if (foreground) argv.push_back("--foreground");
  return argv;
}

void ProjectTest::mount(const fs::path& library, int jobs) {
  ASSERT_FALSE(daemon_) << "mount() while the fixture's daemon runs";
  fs::path log = store() / "daemon.log";
  fs::create_directories(store());
  daemon_ = std::make_unique<Child>(mount_command(mountpoint(), library, true, jobs), root_,
                                    Capture{log, log});
  // Mounted and answering: a stale mount left by a dead daemon is mounted too.
  auto serving = [&] { return mounted(mountpoint()) && filesystem_answers(mountpoint()); };
  bool ready = eventually([&] { return serving() || !daemon_->running(); });
  ASSERT_TRUE(ready && serving()) << "taskfs mount did not mount " << mountpoint() << "\n"
                                  << daemon_log();
}

Finished ProjectTest::wait_daemon() {
  if (!daemon_) throw std::logic_error("no daemon to wait for");
  if (!daemon_->wait_for()) throw std::runtime_error("the daemon did not exit");
  Finished ended = daemon_->finished();
  daemon_.reset();
  return ended;
}

Finished ProjectTest::end_daemon(int signal) {
  if (daemon_) daemon_->send(signal);
  return wait_daemon();
}

std::vector<pid_t> ProjectTest::workers() const {
  std::vector<pid_t> found;
  if (!daemon_) return found;
  for (pid_t pid : child_processes(daemon_->pid())) {
    std::error_code ec;
    if (fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).filename() ==
        "taskfs-worker") {
      found.push_back(pid);
    }
  }
  return found;
}

pid_t ProjectTest::daemon_pid() const { return daemon_ ? daemon_->pid() : -1; }

bool ProjectTest::mounted(const fs::path& path) const { return mount_type(path) == "fuse.taskfs"; }

std::string ProjectTest::daemon_log() const { return test::read_file_or_empty(store() / "daemon.log"); }

Capture ProjectTest::next_capture() {
  std::string name = std::to_string(captures_++);
  return {io_ / (name + ".out"), io_ / (name + ".err")};
}

Finished ProjectTest::sh(const std::string& command) { return run({"/bin/sh", "-c", command}); }

Finished ProjectTest::run(const std::vector<std::string>& argv) {
  return run_program(argv, root_, next_capture());
}

Child& ProjectTest::start(const std::vector<std::string>& argv) {
  return children_.emplace_back(argv, root_, next_capture());
}

std::int64_t ProjectTest::runs(const std::string& task) const {
  return Store(store()).count_runs(task);
}

std::int64_t ProjectTest::failed_runs(const std::string& task) const {
  std::int64_t failed = 0;
  for (const RunRecord& run : Store(store()).recent_runs(1'000'000)) {
    if (run.task == task && !run.ok) ++failed;
  }
  return failed;
}

std::string ProjectTest::xattr(std::string_view relative, const std::string& name) const {
  return read_xattr(root_ / relative, name).value_or("");
}

std::string ProjectTest::state(std::string_view relative) const {
  return xattr(relative, "user.taskfs.state");
}

bool ProjectTest::eventually(const std::function<bool()>& condition,
                             std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

std::string ProjectTest::gated_file(const std::string& gate) {
  gates_.insert(gate);
  return "mnt/slow/gate:" + gate;
}

void ProjectTest::open_gate(const std::string& gate) const { write_file(gate, "open\n"); }

}  // namespace taskfs::fstest
