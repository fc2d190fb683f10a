#include "log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace taskfs {

namespace {
std::atomic<bool> silenced{false};
std::mutex mutex;  // one line at a time, and the rotation between lines
std::filesystem::path rotated_path;
std::uint64_t rotate_above = 0;  // 0: never

// Starts a new log file if `line` would take the current one past the cap.
// REQUIRES: mutex held. Best effort: a failure keeps the current file.
void rotate_if_full(std::size_t line) {
  struct stat st {};
  if (rotate_above == 0 || ::fstat(STDERR_FILENO, &st) != 0 ||
      static_cast<std::uint64_t>(st.st_size) + line <= rotate_above) {
    return;
  }
  std::filesystem::path old = rotated_path;
  old += ".1";
  if (::rename(rotated_path.c_str(), old.c_str()) != 0) return;
  int fd = ::open(rotated_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  // stdout too: the daemon points both at the log.
  ::dup2(fd, STDOUT_FILENO);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
}

}  // namespace

void silence_log() { silenced = true; }

void rotate_log_at(const std::filesystem::path& path, std::uint64_t max_bytes) {
  std::lock_guard lock(mutex);
  rotated_path = path;
  rotate_above = max_bytes;
}

std::string escape_for_log(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void log_line(std::string_view message) {
  if (silenced) return;
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::tm local{};
  ::localtime_r(&now, &local);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
  std::string line = std::string(stamp) + " taskfs: " + escape_for_log(message) + "\n";
  std::lock_guard lock(mutex);
  rotate_if_full(line.size());
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace taskfs
