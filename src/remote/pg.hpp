// A thin RAII layer over libpq: a connection, a result, and queries whose
// parameters and results travel in binary (bytea without hex escaping).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace taskfs::remote::pg {

// A failed connection or statement. The message is libpq's first line, which
// names the server but never the password.
class Error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One finished statement's rows.
class Result {
 public:
  explicit Result(PGresult* result) : result_(result, &PQclear) {}

  int rows() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  // A binary column's bytes, valid while this Result lives.
  std::string_view bytes(int row, int column) const;
  // A binary int8 (bigint) or int4 column.
  std::int64_t integer(int row, int column) const;
  // A binary float8 column.
  double real(int row, int column) const;
  PGresult* get() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// Parameters of one statement, each sent in binary.
class Params {
 public:
  Params& bytes(std::string_view value);
  Params& text(std::string_view value);
  Params& integer(std::int64_t value);
  Params& real(double value);

  int count() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return pointers_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  void add(std::string value, int format);
  // Each value lives in its own allocation, so pointers_ stay valid as the
  // vector grows.
  std::vector<std::unique_ptr<std::string>> values_;
  std::vector<const char*> pointers_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

class Connection {
 public:
  // Connects with a libpq connection string. `connect_timeout` (seconds)
  // applies unless the string sets its own. Throws Error.
  Connection(const std::string& conninfo, int connect_timeout);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs statements with no parameters and no rows (DDL, BEGIN, COMMIT).
  void exec(const std::string& sql);
  // Runs one statement with binary parameters; rows come back in binary.
  // Each distinct statement is prepared once per connection (parsed and
  // planned by the server once, not on every call).
  Result query(const std::string& sql, const Params& params = {});
  // Runs one query and hands its rows to `on_row` one at a time, as they
  // arrive, without holding them all (libpq's single-row mode). When on_row
  // throws, the query is cancelled and the connection stays usable.
  template <class OnRow>
  void stream(const std::string& sql, const Params& params, OnRow on_row);
  // False once the connection broke; it is then of no further use.
  bool ok() const { return PQstatus(conn_.get()) == CONNECTION_OK; }

 private:
  void send(const std::string& sql, const Params& params);
  // The server-side name of `sql` prepared on this connection; prepares it
  // the first time.
  const std::string& prepared(const std::string& sql, const Params& params);
  // The next result of a streamed query, or null at its end. Throws Error.
  std::unique_ptr<Result> next_row();
  // Cancels the running query and discards what it still sends.
  void abandon_query();
  [[noreturn]] void fail(const char* what) const;

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
  std::unordered_map<std::string, std::string> prepared_;  // statement text -> name
};

template <class OnRow>
void Connection::stream(const std::string& sql, const Params& params, OnRow on_row) {
  send(sql, params);
  while (auto row = next_row()) {
    if (row->rows() != 1) continue;
    try {
      on_row(*row);
    } catch (...) {
      abandon_query();
      throw;
    }
  }
}

// The first line of a libpq message: the rest repeats context a log line does
// not need.
std::string first_line(const char* message);

}  // namespace taskfs::remote::pg
