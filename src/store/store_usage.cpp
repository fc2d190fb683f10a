// Store: what it holds by task, and how often its results are read (SPEC 7).
#include <algorithm>
#include <string>

#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace taskfs {

std::uint64_t Store::stored_bytes() {
  std::lock_guard lock(mutex_);
  // Blobs, and the bytes small elements keep in their rows.
  auto& q = db_->cached(
      "SELECT (SELECT coalesce(sum(size), 0) FROM blobs) + "
      "(SELECT coalesce(sum(inline_bytes), 0) FROM collections)");
  sqlite::ResetOnExit q_done(q);
  q.step();
  return static_cast<std::uint64_t>(q.column_int(0));
}

std::vector<TaskUsage> Store::usage_by_task() {
  std::lock_guard lock(mutex_);
  std::vector<TaskUsage> usage;
  auto counts = db_->prepare("SELECT task, count(*) FROM results GROUP BY task");
  while (counts.step()) usage.push_back({counts.column_text(0), counts.column_int(1), 0});
  // A blob counts once per task however many of its results name it; a
  // collection's elements count for the task whose result holds it.
  constexpr const char* kNamed =
      "WITH held(task, collection) AS "
      "(SELECT r.task, c.id FROM results r JOIN collections c ON c.value_hash = r.value_hash), "
      "named(task, hash) AS "
      "(SELECT task, value_hash FROM results UNION SELECT task, view_hash FROM results "
      "UNION SELECT h.task, e.value_hash FROM held h JOIN elements e USING(collection) "
      "WHERE e.value IS NULL "
      "UNION SELECT h.task, e.view_hash FROM held h JOIN elements e USING(collection) "
      "WHERE e.value IS NULL) ";
  auto add_bytes = [&usage](const std::string& task, std::int64_t bytes) {
    auto it =
        std::find_if(usage.begin(), usage.end(), [&](const auto& u) { return u.task == task; });
    if (it == usage.end()) it = usage.insert(usage.end(), {task, 0, 0});
    it->bytes += static_cast<std::uint64_t>(bytes);
  };
  auto bytes = db_->prepare(std::string(kNamed) +
                            "SELECT named.task, sum(blobs.size) FROM named "
                            "JOIN blobs ON blobs.hash = named.hash GROUP BY named.task");
  while (bytes.step()) add_bytes(bytes.column_text(0), bytes.column_int(1));
  // The bytes small elements keep in their rows (schema 6), once per task
  // holding their collection; those of collections no result holds under "".
  auto in_rows = db_->prepare(
      "SELECT coalesce(task, ''), sum(inline_bytes) FROM (SELECT DISTINCT r.task, c.id, "
      "c.inline_bytes FROM collections c LEFT JOIN results r ON r.value_hash = c.value_hash) "
      "WHERE inline_bytes > 0 GROUP BY task");
  while (in_rows.step()) add_bytes(in_rows.column_text(0), in_rows.column_int(1));
  auto unnamed = db_->prepare(std::string(kNamed) +
                              "SELECT count(*), coalesce(sum(size), 0) FROM blobs "
                              "WHERE hash NOT IN (SELECT hash FROM named)");
  unnamed.step();
  if (unnamed.column_int(0) > 0) add_bytes("", unnamed.column_int(1));
  std::sort(usage.begin(), usage.end(), [](const TaskUsage& a, const TaskUsage& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.task < b.task;
  });
  return usage;
}

void Store::add_reads(const std::vector<std::pair<Hash128, ReadCount>>& reads) {
  std::lock_guard lock(mutex_);
  sqlite::Transaction txn(*db_);
  // Only results still stored: a count must not outlive an evicted result and
  // greet its recomputed successor.
  auto& add = db_->cached(
      "INSERT INTO reads(key, count, last_read) SELECT ?1, ?2, ?3 "
      "WHERE EXISTS (SELECT 1 FROM results WHERE key = ?1) "
      "ON CONFLICT(key) DO UPDATE SET count = count + excluded.count, "
      "last_read = max(last_read, excluded.last_read)");
  for (const auto& [key, read] : reads) {
    add.bind(1, key.hex()).bind(2, read.count).bind(3, read.last).run();
  }
  txn.commit();
}

ReadCount Store::reads_of(const Hash128& key) {
  std::lock_guard lock(mutex_);
  auto& q = db_->cached("SELECT count, last_read FROM reads WHERE key=?");
  sqlite::ResetOnExit q_done(q);
  if (!q.bind(1, key.hex()).step()) return {};
  return {q.column_int(0), q.column_double(1)};
}

}  // namespace taskfs
