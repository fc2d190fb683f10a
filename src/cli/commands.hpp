// The subcommands of `taskfs`. Each takes its arguments (after the command
// name) and returns the exit status: 0 done, 1 a task or the store failed,
// 2 wrong usage (thrown as UsageError and reported by main).
#pragma once

#include <string>
#include <vector>

namespace taskfs::cli {

using Args = std::vector<std::string>;

int run_command(const Args& args);      // taskfs run PATH...
int ls_command(const Args& args);       // taskfs ls [TASK]
int graph_command(const Args& args);    // taskfs graph
int status_command(const Args& args);   // taskfs status
int why_command(const Args& args);      // taskfs why PATH
int gc_command(const Args& args);       // taskfs gc [--max-size S]
int du_command(const Args& args);       // taskfs du
int rm_command(const Args& args);       // taskfs rm PATH
int log_command(const Args& args);      // taskfs log PATH
int cancel_command(const Args& args);   // taskfs cancel PATH
int fsck_command(const Args& args);     // taskfs fsck
int mount_command(const Args& args);    // taskfs mount [MOUNTPOINT]
int unmount_command(const Args& args);  // taskfs unmount [MOUNTPOINT]

}  // namespace taskfs::cli
