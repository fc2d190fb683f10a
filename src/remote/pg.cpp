#include "remote/pg.hpp"

#include <arpa/inet.h>

#include <bit>
#include <cstring>

namespace taskfs::remote::pg {
namespace {

// libpq's binary format is big-endian (network order).
std::uint64_t from_network(std::uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(v);
  return v;
}

std::string network_bytes(std::uint64_t v) {
  std::uint64_t n = from_network(v);
  return std::string(reinterpret_cast<const char*>(&n), sizeof n);
}

}  // namespace

std::string first_line(const char* message) {
  std::string text = message ? message : "";
  if (auto end = text.find('\n'); end != std::string::npos) text.resize(end);
  return text.empty() ? "unknown error" : text;
}

std::string_view Result::bytes(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::int64_t Result::integer(int row, int column) const {
  std::string_view raw = bytes(row, column);
  if (raw.size() == 4) {
    std::uint32_t v;
    std::memcpy(&v, raw.data(), 4);
    return static_cast<std::int32_t>(ntohl(v));
  }
  if (raw.size() != 8)
    throw Error("expected an integer column, got " + std::to_string(raw.size()) + " bytes");
  std::uint64_t v;
  std::memcpy(&v, raw.data(), 8);
  return static_cast<std::int64_t>(from_network(v));
}

double Result::real(int row, int column) const {
  std::string_view raw = bytes(row, column);
  if (raw.size() != 8) throw Error("expected a float8 column");
  std::uint64_t v;
  std::memcpy(&v, raw.data(), 8);
  return std::bit_cast<double>(from_network(v));
}

void Params::add(std::string value, int format) {
  lengths_.push_back(static_cast<int>(value.size()));
  formats_.push_back(format);
  values_.push_back(std::make_unique<std::string>(std::move(value)));
  pointers_.push_back(values_.back()->data());
}

Params& Params::bytes(std::string_view value) {
  add(std::string(value), 1);
  return *this;
}

Params& Params::text(std::string_view value) {
  add(std::string(value), 0);
  return *this;
}

Params& Params::integer(std::int64_t value) {
  add(network_bytes(static_cast<std::uint64_t>(value)), 1);
  return *this;
}

Params& Params::real(double value) {
  add(network_bytes(std::bit_cast<std::uint64_t>(value)), 1);
  return *this;
}

Connection::Connection(const std::string& conninfo, int connect_timeout)
    : conn_(nullptr, &PQfinish) {
  std::string timeout = std::to_string(connect_timeout);
  // The timeout comes first so that one set in the connection string wins;
  // expand_dbname turns "dbname" into the whole string.
  const char* keys[] = {"connect_timeout", "dbname", "application_name", nullptr};
  const char* values[] = {timeout.c_str(), conninfo.c_str(), "taskfs", nullptr};
  conn_.reset(PQconnectdbParams(keys, values, 1));
  if (!conn_) throw Error("out of memory connecting to the remote cache");
  if (PQstatus(conn_.get()) != CONNECTION_OK) fail("cannot connect");
}

void Connection::fail(const char* what) const {
  throw Error(std::string(what) + ": " + first_line(PQerrorMessage(conn_.get())));
}

void Connection::exec(const std::string& sql) {
  Result result(PQexec(conn_.get(), sql.c_str()));
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("statement failed");
}

const std::string& Connection::prepared(const std::string& sql, const Params& params) {
  auto [it, fresh] = prepared_.try_emplace(sql);
  if (fresh) {
    std::string name = "taskfs_" + std::to_string(prepared_.size());
    Result result(PQprepare(conn_.get(), name.c_str(), sql.c_str(), params.count(), nullptr));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      prepared_.erase(it);
      fail("cannot prepare a statement");
    }
    it->second = std::move(name);
  }
  return it->second;
}

Result Connection::query(const std::string& sql, const Params& params) {
  Result result(PQexecPrepared(conn_.get(), prepared(sql, params).c_str(), params.count(),
                               params.values(), params.lengths(), params.formats(), 1));
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("statement failed");
  return result;
}

void Connection::send(const std::string& sql, const Params& params) {
  if (!PQsendQueryPrepared(conn_.get(), prepared(sql, params).c_str(), params.count(),
                           params.values(), params.lengths(), params.formats(), 1)) {
    fail("cannot send a query");
  }
  if (!PQsetSingleRowMode(conn_.get())) fail("cannot stream a query");
}

std::unique_ptr<Result> Connection::next_row() {
  PGresult* raw = PQgetResult(conn_.get());
  if (raw == nullptr) return nullptr;
  auto result = std::make_unique<Result>(raw);
  switch (PQresultStatus(raw)) {
    case PGRES_SINGLE_TUPLE:
    case PGRES_TUPLES_OK:  // the end of the rows: no row, then null
      return result;
    default:
      // Drain what remains so the connection could be reused, then report.
      std::string message = first_line(PQresultErrorMessage(raw));
      while (PGresult* rest = PQgetResult(conn_.get())) PQclear(rest);
      throw Error("query failed: " + message);
  }
}

void Connection::abandon_query() {
  if (PGcancel* cancel = PQgetCancel(conn_.get())) {
    char error[256];
    PQcancel(cancel, error, sizeof error);  // best effort: draining works without it
    PQfreeCancel(cancel);
  }
  while (PGresult* rest = PQgetResult(conn_.get())) PQclear(rest);
}

}  // namespace taskfs::remote::pg
