#include "fs/daemon.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "engine/engine.hpp"
#include "fs/filesystem.hpp"
#include "fs/mount_point.hpp"
#include "log.hpp"
#include "sys/fd.hpp"
#include "sys/io.hpp"

namespace taskfs::fs {
namespace {

constexpr const char* kReady = "ok";
constexpr const char* kLogName = "daemon.log";

// A mounted FUSE session; unmounts and destroys itself.
class Session {
 public:
  Session(Filesystem& filesystem, const std::filesystem::path& mountpoint, bool allow_other)
      : passthrough_(filesystem.passthrough()), mountpoint_(mountpoint) {
    // default_permissions: the kernel checks the modes (results 0444), which
    // with allow_other lets every user read, and without it only the owner.
    std::string options = "ro,fsname=taskfs,subtype=taskfs,default_permissions";
    if (allow_other) options += ",allow_other";
    const char* argv[] = {"taskfs", "-o", options.c_str()};
    fuse_args args = FUSE_ARGS_INIT(3, const_cast<char**>(argv));
    session_ =
        fuse_session_new(&args, &Filesystem::operations(), sizeof(fuse_lowlevel_ops), &filesystem);
    // Parsing replaced args with a heap copy that is ours to free.
    fuse_opt_free_args(&args);
    if (session_ == nullptr) throw std::runtime_error("cannot create the FUSE session");
    if (fuse_set_signal_handlers(session_) != 0) {
      fuse_session_destroy(session_);
      throw std::runtime_error("cannot install signal handlers");
    }
    // Mounting /dev/fuse ourselves enables passthrough, and goes over a mount
    // whose daemon died: the path turns from the dead mount into this one, ready,
    // in one step. Otherwise libfuse mounts, after the dead mount is cleared
    // (fusermount3 refuses to go over it).
    if (!passthrough_.mount(session_, mountpoint, allow_other) && !mount_with_libfuse()) {
      fuse_remove_signal_handlers(session_);
      fuse_session_destroy(session_);
      // fusermount3 refuses allow_other to regular users unless fuse.conf allows it.
      throw std::runtime_error(
          "cannot mount on " + mountpoint.string() +
          (allow_other && ::geteuid() != 0
               ? " with --allow-other: a regular user needs the line user_allow_other in "
                 "/etc/fuse.conf (see the log above)"
               : " (is /dev/fuse available? see the log above)"));
    }
  }
  ~Session() {
    if (passthrough_.mounted()) {
      passthrough_.unmount(mountpoint_);
    } else {
      fuse_session_unmount(session_);
    }
    // A dead mount this one went over shows again: it goes too.
    try {
      clear_stale_mount(mountpoint_);
    } catch (const std::exception& e) {
      log_line(e.what());
    }
    fuse_remove_signal_handlers(session_);
    fuse_session_destroy(session_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves until unmounted or signalled (SIGTERM, SIGINT, SIGHUP).
  int loop() {
    fuse_loop_config* config = fuse_loop_cfg_create();
    fuse_loop_cfg_set_max_threads(config, 64);
    int rc = fuse_session_loop_mt(session_, config);
    fuse_loop_cfg_destroy(config);
    return rc;
  }

 private:
  bool mount_with_libfuse() {
    try {
      clear_stale_mount(mountpoint_);
    } catch (const std::exception& e) {
      log_line(e.what());
      return false;
    }
    return fuse_session_mount(session_, mountpoint_.c_str()) == 0;
  }

  Passthrough& passthrough_;
  std::filesystem::path mountpoint_;
  fuse_session* session_ = nullptr;
};

// Tells the waiting parent how the start went, then lets it go (closes the pipe).
void notify(Fd ready, const std::string& message) {
  if (!ready) return;
  try {
    write_all(ready.get(), message, "telling the parent");
  } catch (const std::system_error& e) {
    log_line(e.what());  // the parent is gone: nobody waits for the message
  }
}

int serve(const DaemonOptions& o, const StoreDir& store, const std::filesystem::path& mountpoint,
          Fd ready) {
  try {
    StoreLock lock(store, mountpoint);
    Engine engine(o.engine);
    engine.clean_store();
    if (std::string why = engine.status().library_error; !why.empty()) {
      log_line(why + " (serving an empty mount until the library loads)");
    }
    Filesystem filesystem(engine);
    Session session(filesystem, mountpoint, o.allow_other);
    log_line("mounted " + o.engine.library.string() + " on " + mountpoint.string());
    if (::geteuid() != 0) {
      log_line(
          "mounted as a regular user: no FUSE passthrough (it needs root), so the daemon "
          "serves every read itself");
    }
    if (std::string why = raise_readahead(mountpoint); !why.empty()) {
      log_line("large reads stay at the kernel's default readahead: " + why);
    }
    notify(std::move(ready), kReady);
    int rc = session.loop();
    engine.shutdown();  // readers still waiting are answered while the session is up
    // A positive status is the signal that stopped the loop: a clean stop.
    log_line((rc > 0 ? "stopped by signal " + std::to_string(rc) + ", " : std::string()) +
             "unmounting " + mountpoint.string());
    return rc < 0 ? 1 : 0;
  } catch (const std::exception& e) {
    log_line(e.what());
    notify(std::move(ready), e.what());
    return 1;
  }
}

// Forks the daemon; the parent returns once the child reports the mount ready
// or failed. Must run before any thread exists.
int daemonize_and_serve(const DaemonOptions& o, const StoreDir& store,
                        const std::filesystem::path& mountpoint) {
  int ready_pipe[2];
  if (::pipe2(ready_pipe, O_CLOEXEC) != 0) throw std::runtime_error(std::strerror(errno));
  Fd ready_read(ready_pipe[0]), ready_write(ready_pipe[1]);
  std::filesystem::path log_path = store.path() / kLogName;
  Fd log(store.open(kLogName, O_WRONLY | O_CREAT | O_APPEND));
  if (!log) {
    throw std::runtime_error("cannot open the log " + log_path.string() + ": " +
                             std::strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid > 0) {
    ready_write.reset();  // the child's end: its exit is then the end of the message
    std::string message(4096, '\0');
    message.resize(
        read_full(ready_read.get(), message.data(), message.size(), "waiting for the daemon"));
    if (message == kReady) return 0;
    std::cerr << "taskfs mount: "
              << (message.empty() ? "the daemon died while starting; see " + log_path.string()
                                  : message)
              << "\n";
    return 1;
  }
  ready_read.reset();
  ::setsid();
  Fd null(::open("/dev/null", O_RDONLY));
  ::dup2(null.get(), STDIN_FILENO);
  ::dup2(log.get(), STDOUT_FILENO);
  ::dup2(log.get(), STDERR_FILENO);
  null.reset();
  log.reset();
  if (o.log_max_bytes > 0) rotate_log_at(log_path, o.log_max_bytes);
  ::_exit(serve(o, store, mountpoint, std::move(ready_write)));
}

}  // namespace

int mount_and_serve(const DaemonOptions& o) {
  std::filesystem::path mountpoint = std::filesystem::absolute(o.mountpoint).lexically_normal();
  if (o.allow_other) check_allow_other();
  check_mountpoint(mountpoint);
  StoreDir store(o.engine.store_dir);  // made 0700, or refused when others could tamper with it
  if (o.foreground) return serve(o, store, mountpoint, Fd());
  return daemonize_and_serve(o, store, mountpoint);
}

int unmount(const std::filesystem::path& mountpoint) {
  if (!is_mounted(mountpoint)) {
    std::cerr << "taskfs unmount: " << mountpoint.string() << " is not mounted\n";
    return 1;
  }
  if (unmount_path(mountpoint, false) != 0) {
    std::cerr << "taskfs unmount: cannot unmount " << mountpoint.string() << ": "
              << std::strerror(errno) << "\n";
    return 1;
  }
  return 0;
}

}  // namespace taskfs::fs
