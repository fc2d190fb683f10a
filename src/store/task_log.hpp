// What tasks print (SPEC 7). The process that starts a run (the daemon, or
// `taskfs run`) reads its worker's stdout and stderr as they come and keeps
// them in <store>/logs/<task>/<variant>: one file per task and variant, the
// latest run's. A run removes the previous run's file when it starts and
// brings its own in with its first byte, so a reader sees the output of one
// run, growing while it runs, and never two runs mixed. A run keeps the last
// `max_size` bytes it printed; when it printed more, the file's first line
// says how much was dropped. Each file names the cache key of its run in the
// xattr user.taskfs.key, so that forgetting that result (taskfs rm, gc) takes
// its log along, and never the log of a later run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "key/hash.hpp"
#include "sys/fd.hpp"

namespace taskfs {

// The output of one run, kept as it arrives; complete when it goes.
class RunLog {
 public:
  ~RunLog() { finish(); }
  RunLog(RunLog&&) = default;
  RunLog& operator=(RunLog&&) = delete;

  // Keeps `bytes`, dropping the oldest ones past twice the cap. Never throws:
  // output that cannot be kept (a full disk) ends this run's log with one
  // line in the daemon log, and the task goes on.
  void append(std::string_view bytes);
  // The run is over: the file keeps the last max_size bytes only.
  void finish();

 private:
  friend class TaskLogs;
  // The log `name` of `task` in the store open as `store_fd`; its directory
  // is opened by start_run, or made at the first byte.
  RunLog(int store_fd, std::string task, std::string name, std::string label, const Hash128& key,
         std::uint64_t max_size);

  // Makes (or opens) logs/<task>/ in the store. Throws std::system_error.
  void make_dir();
  // A new file in the log's directory, under a temporary name it returns.
  Fd create_temporary(std::string& name) const;
  // Rewrites the file as the note on what was dropped, then the last max_size
  // bytes of what it holds followed by `incoming`.
  void rewrite(std::string_view incoming);
  // True while the log's name is still this run's file: a run of the same
  // variant started since (by another process) has the name now.
  bool still_latest() const;
  void give_up(const std::string& why);

  int store_fd_;
  std::string task_;
  Fd dir_;  // logs/<task>/, once it exists
  std::string name_;
  std::string label_;  // "task/variant", for the daemon log
  std::string key_;    // the run's cache key, hex: each file's user.taskfs.key
  std::uint64_t max_size_;
  Fd file_;                 // none until the first byte
  std::uint64_t note_ = 0;  // bytes of the note at the top (0: nothing dropped)
  std::uint64_t body_ = 0;  // bytes of output after the note
  std::uint64_t dropped_ = 0;
  bool given_up_ = false;
};

// The size and time of the latest run's log.
struct LogFileInfo {
  std::uint64_t size = 0;
  double modified = 0;  // seconds since the epoch
};

class TaskLogs {
 public:
  // The logs of the store whose directory is open as `store_fd` (not owned:
  // it outlives this object).
  explicit TaskLogs(int store_fd) : store_fd_(store_fd) {}

  // Starts the log of a run of `task` with the canonical `variant` and cache
  // `key`: the previous run's file goes now. Never throws: when the log's
  // directory cannot be made, the log keeps nothing and the daemon log says why.
  RunLog start_run(const std::string& task, const std::string& variant, const Hash128& key,
                   std::uint64_t max_size) const;
  // Removes the log of task/variant if it is the output of the run that made
  // the result `key` (a result forgotten by rm or gc); a later run's log, or
  // one on a file system without user xattrs, stays. Never throws.
  void forget_run(const std::string& task, const std::string& variant, const Hash128& key) const;
  // The latest run's log open for reading, or an empty Fd when there is none
  // (the run printed nothing, or none ran with this store).
  Fd open(const std::string& task, const std::string& variant) const;
  // The size and time of that log, or nullopt when there is none.
  std::optional<LogFileInfo> find(const std::string& task, const std::string& variant) const;
  // Reads up to `size` bytes of that log from `offset`; 0 past its end or
  // when there is none.
  std::size_t read(const std::string& task, const std::string& variant, char* out, std::size_t size,
                   std::uint64_t offset) const;
  // The variants of `task` that have a log, sorted.
  std::vector<std::string> variants(const std::string& task) const;

 private:
  int store_fd_;
};

}  // namespace taskfs
