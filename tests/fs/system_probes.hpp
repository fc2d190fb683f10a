// What the kernel says about mounts, processes and extended attributes: the
// conditions the tests wait for.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace taskfs::fstest {

// The filesystem type /proc/self/mounts shows on `path` ("fuse.taskfs"), or
// nullopt when nothing is mounted there.
std::optional<std::string> mount_type(const std::filesystem::path& path);

// The mount points below `dir`, the latest mounted first.
std::vector<std::filesystem::path> mounts_under(const std::filesystem::path& dir);

// True when a daemon answers for the filesystem at `path` (statfs(2) always
// asks the daemon; a dead one's mount says "Transport endpoint is not connected").
bool filesystem_answers(const std::filesystem::path& path);

// The number of the system call process `pid` is in, or -1 when it runs in
// user space or is gone.
long current_syscall(pid_t pid);

// True when process `pid` sleeps inside an open(2) of a FUSE file: the reader
// waits for the daemon's answer.
bool blocked_in_fuse_open(pid_t pid);

// The children of process `pid`, from every one of its threads.
std::vector<pid_t> child_processes(pid_t pid);

// True while process `pid` exists and is not a zombie whose every thread has
// ended (it need not be our child): false once its parent could reap it.
bool process_alive(pid_t pid);

// The value of the extended attribute `name` of `path`, or nullopt with errno set.
std::optional<std::string> read_xattr(const std::filesystem::path& path, const std::string& name);

}  // namespace taskfs::fstest
