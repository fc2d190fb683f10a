// Thin RAII wrappers over the SQLite C API; errors become SqliteError.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace taskfs::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Statement;

// One connection.
class Database {
 public:
  // Opens (and with `create`, creates) the database file.
  Database(const std::string& path, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs SQL that returns no rows.
  void exec(const std::string& sql);
  Statement prepare(std::string_view sql);
  // A statement prepared once and kept, reset for a new use. `sql` must outlive
  // the connection (a string literal); the caller serializes its uses.
  Statement& cached(std::string_view sql);
  sqlite3* handle() const { return db_; }
  [[noreturn]] void fail(const std::string& doing, int code) const;

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string_view, std::unique_ptr<Statement>> cached_;
};

// A prepared statement, reset on every bind_all/step cycle by the caller.
class Statement {
 public:
  Statement(const Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  // Steps once: true while a row is available.
  bool step();
  // Steps to the end of a statement that returns no rows.
  void run();
  void reset();

  std::int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;
  std::string_view column_blob(int index) const;
  bool column_is_null(int index) const;

 private:
  const Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when a read is done with it: a statement left mid-rows
// keeps its read transaction open, and the connection would go on seeing an
// old snapshot of a store that other processes write.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace taskfs::sqlite
