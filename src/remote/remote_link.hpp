// One connection to the team cache, made lazily and dropped on any failure,
// with the rule every user of the remote follows: a remote that is down is
// skipped for a while (never waited on again and again), and each change of
// its state is one log line.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "key/hash.hpp"
#include "remote/pg.hpp"
#include "remote/team_cache.hpp"

namespace taskfs::remote {

// Whether the remote answers, shared by every link to one remote so that
// they skip it together and say so once.
class Reachability {
 public:
  explicit Reachability(std::chrono::milliseconds retry_after) : retry_after_(retry_after) {}

  // False while a recent failure says to skip the remote.
  bool worth_trying();
  // The remote answered: logs "reachable again" after a failure.
  void succeeded();
  // The remote failed to connect or broke a connection: skip it for a while.
  void failed(const std::string& why);
  // Why the last attempt failed, or empty while it answers.
  std::string error() const;
  bool reachable() const;
  // When the remote may be tried again (now while it is reachable).
  std::chrono::steady_clock::time_point retry_at() const;

 private:
  std::chrono::milliseconds retry_after_;
  mutable std::mutex mutex_;
  bool down_ = false;
  bool ever_tried_ = false;
  std::string error_;
  std::chrono::steady_clock::time_point retry_at_{};
};

// The 16 bytes that stand for a hash in the remote's tables: big-endian, the
// same on every machine (Hash128::bytes() is in host order).
std::string remote_id(const Hash128& hash);

class RemoteLink {
 public:
  RemoteLink(const RemoteOptions& options, std::shared_ptr<Reachability> reachability);

  // Runs `work` with a connection whose schema was checked; nullopt when the
  // remote is skipped or fails (logged once, the connection dropped, and the
  // remote skipped for a while).
  template <class Work>
  auto run(Work work) -> std::optional<decltype(work(std::declval<pg::Connection&>()))>;

 private:
  // The connection, made (and its schema checked) if there is none. Throws.
  pg::Connection& connection();
  void failed(const std::exception& error);

  RemoteOptions options_;
  std::shared_ptr<Reachability> reachability_;
  std::unique_ptr<pg::Connection> connection_;
};

template <class Work>
auto RemoteLink::run(Work work) -> std::optional<decltype(work(std::declval<pg::Connection&>()))> {
  if (!reachability_->worth_trying()) return std::nullopt;
  try {
    auto value = work(connection());
    reachability_->succeeded();
    return value;
  } catch (const std::exception& e) {
    failed(e);
    return std::nullopt;
  }
}

}  // namespace taskfs::remote
