#include "remote/remote_link.hpp"

#include "log.hpp"
#include "remote/remote_schema.hpp"

namespace taskfs::remote {

bool Reachability::worth_trying() {
  std::lock_guard lock(mutex_);
  return !down_ || std::chrono::steady_clock::now() >= retry_at_;
}

void Reachability::succeeded() {
  std::lock_guard lock(mutex_);
  if (down_) log_line("remote cache: reachable again");
  down_ = false;
  ever_tried_ = true;
  error_.clear();
}

void Reachability::failed(const std::string& why) {
  std::lock_guard lock(mutex_);
  // One line per change of state (or of reason), not one per request.
  if (!down_ || why != error_) {
    log_line("remote cache: " + why + "; reads go on from local work, retrying in " +
             std::to_string(retry_after_.count() / 1000) + " s");
  }
  down_ = true;
  ever_tried_ = true;
  error_ = why;
  retry_at_ = std::chrono::steady_clock::now() + retry_after_;
}

std::string Reachability::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

bool Reachability::reachable() const {
  std::lock_guard lock(mutex_);
  return ever_tried_ && !down_;
}

std::chrono::steady_clock::time_point Reachability::retry_at() const {
  std::lock_guard lock(mutex_);
  return down_ ? retry_at_ : std::chrono::steady_clock::now();
}

std::string remote_id(const Hash128& hash) {
  std::string out(16, '\0');
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(hash.high >> (56 - 8 * i));
    out[8 + i] = static_cast<char>(hash.low >> (56 - 8 * i));
  }
  return out;
}

RemoteLink::RemoteLink(const RemoteOptions& options, std::shared_ptr<Reachability> reachability)
    : options_(options), reachability_(std::move(reachability)) {}

pg::Connection& RemoteLink::connection() {
  if (connection_ && !connection_->ok()) connection_.reset();
  if (!connection_) {
    auto fresh = std::make_unique<pg::Connection>(options_.conninfo, options_.connect_timeout);
    ensure_schema(*fresh);
    connection_ = std::move(fresh);
  }
  return *connection_;
}

void RemoteLink::failed(const std::exception& error) {
  // A broken connection is of no further use; a healthy one that failed a
  // statement may be mid-transaction: start afresh either way.
  connection_.reset();
  reachability_->failed(error.what());
}

}  // namespace taskfs::remote
