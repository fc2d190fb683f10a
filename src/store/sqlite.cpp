#include "store/sqlite.hpp"

namespace taskfs::sqlite {

Database::Database(const std::string& path, bool create) {
  // NOFOLLOW: a link planted at the database's name is refused, not followed.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW |
              (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError("cannot open " + path + ": " + message, rc);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Several processes (daemon, workers, `taskfs run`) share the store.
  sqlite3_busy_timeout(db_, 30'000);
  // Short-lived processes (`taskfs run`, workers) would otherwise checkpoint,
  // delete and re-create the WAL and its index on every close and open, with
  // their fsyncs: the WAL stays, and a connection that wrote empties it when
  // it closes (see ~Database).
  int on = 1;
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_file_control(db_, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
}

Database::~Database() {
  cached_.clear();  // statements are finalized before the connection closes
  // The first process to open the store replays every frame of the WAL into
  // its index (one pread each: 60 ms after a cold 1000-task run), so a
  // connection that wrote leaves the WAL empty. One that only read skips it
  // and closes without a single write. Busy means another process still uses
  // the WAL: it is left for that one (no wait at exit).
  if (sqlite3_total_changes64(db_) > 0) {
    sqlite3_busy_timeout(db_, 0);
    sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  }
  sqlite3_close_v2(db_);
}

Statement& Database::cached(std::string_view sql) {
  auto& slot = cached_[sql];
  if (!slot) {
    slot = std::make_unique<Statement>(*this, sql);
  } else {
    slot->reset();
  }
  return *slot;
}

void Database::fail(const std::string& doing, int code) const {
  throw SqliteError(doing + ": " + sqlite3_errmsg(db_), code);
}

void Database::exec(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqliteError(message, rc);
  }
}

Statement Database::prepare(std::string_view sql) { return Statement(*this, sql); }

Statement::Statement(const Database& db, std::string_view sql) : db_(&db) {
  int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail("preparing '" + std::string(sql) + "'", rc);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  db_->fail("SQL step", rc);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string();
}

std::string_view Statement::column_blob(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  return data ? std::string_view(static_cast<const char*>(data),
                                 static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string_view();
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (const SqliteError&) {
      // A failed COMMIT may already have rolled back; nothing more to undo.
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace taskfs::sqlite
