// A thin layer over libpq: one connection, statements prepared once, COPY, and every
// failure turned into a chatctl Error by its SQLSTATE. Nothing here knows the schema.
#pragma once

#include "core/store/postgres/pg_conninfo.hpp"

#include <libpq-fe.h>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chatctl::postgres {

using Param = std::optional<std::string>; // NULL when empty

// A query's result, text format.
class Result {
  public:
    explicit Result(PGresult* r) : r_(r, PQclear) {}
    int rows() const { return PQntuples(r_.get()); }
    bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col); }
    std::string text(int row, int col) const {
        return std::string(PQgetvalue(r_.get(), row, col),
                           static_cast<size_t>(PQgetlength(r_.get(), row, col)));
    }
    std::optional<std::string> optional_text(int row, int col) const {
        if (null(row, col)) return std::nullopt;
        return text(row, col);
    }
    int64_t integer(int row, int col) const;
    bool boolean(int row, int col) const { return PQgetvalue(r_.get(), row, col)[0] == 't'; }

  private:
    std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class Conn {
  public:
    // Connects with the options parsed from --db (libpq's PG* variables and ~/.pgpass
    // apply); `shown` is how the store is named in errors (without its password).
    Conn(const ConnOptions& options, std::string shown);
    ~Conn();
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    // Runs SQL without parameters (several statements allowed).
    void run(const std::string& sql);
    // A statement prepared on first use (keyed by the text's address) and run.
    Result query(const char* sql, const std::vector<Param>& params = {});
    // A statement planned for the values it is given, each time (unnamed): for queries
    // whose best plan depends on which of their parameters are null.
    Result query_planned(const char* sql, const std::vector<Param>& params);
    // COPY ... FROM STDIN with rows already in COPY's text format.
    void copy_in(const std::string& copy_sql, const std::string& data);
    // COMMIT: a connection lost while committing leaves the outcome unknown, and says so.
    void commit();
    std::string escape_identifier(const std::string& name);
    const std::string& shown() const { return shown_; }
    // The SQLSTATE of the last statement that failed ("" when none has).
    const std::string& last_state() const { return last_state_; }
    std::string user() const { return PQuser(conn_); }
    bool in_transaction() const { return PQtransactionStatus(conn_) == PQTRANS_INTRANS; }

  private:
    [[noreturn]] void fail_result(PGresult* r, const char* what);
    // A message as it may be shown: one line, the password replaced.
    std::string clean(std::string message) const;
    PGconn* conn_ = nullptr;
    std::string shown_, password_, last_state_;
    std::map<const char*, std::string> prepared_;
};

// Appends text as one field of COPY's text format.
void copy_field(std::string& out, const std::optional<std::string>& value);

} // namespace chatctl::postgres
