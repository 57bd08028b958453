// A thin layer over libpq: one connection, unnamed statements, COPY, and every failure
// turned into a chatctl Error by its SQLSTATE. Nothing here knows the schema.
#pragma once

#include "core/store/postgres/pg_conninfo.hpp"

#include <exception>
#include <functional>
#include <libpq-fe.h>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
    std::string_view view(int row, int col) const {
        return {PQgetvalue(r_.get(), row, col),
                static_cast<size_t>(PQgetlength(r_.get(), row, col))};
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
    // A statement with parameters, sent unnamed (parsed and planned for the values given,
    // each time): nothing outlives it on the server's session, which a transaction
    // pooler may hand to another client as soon as a transaction ends.
    Result query(const std::string& sql, const std::vector<Param>& params = {});
    // COPY ... FROM STDIN with rows already in COPY's text format, sent without waiting
    // for the server's answer: a write builds its next batch while the server takes this
    // one. The next statement (or settle()) reads the answer first and hands `then` the
    // COPY's failure (null when none); `then` may run statements, and throw. Without
    // `then`, the failure is thrown as a statement's is.
    using Then = std::function<void(std::exception_ptr)>;
    void copy_send(const std::string& copy_sql, const std::string& data, Then then = {});
    // Reads the answer of the COPY sent, if one is in flight.
    void settle();
    // Reads it and drops it, `then` not called: a rollback follows.
    void forget_in_flight();
    // COMMIT: a connection lost while committing leaves the outcome unknown, and says so.
    void commit();
    std::string escape_identifier(const std::string& name);
    const std::string& shown() const { return shown_; }
    // The SQLSTATE of the last statement that failed ("" when none has).
    const std::string& last_state() const { return last_state_; }
    std::string user() const { return PQuser(conn_); }
    // The server's version as it reports it ("15.4 (Debian 15.4-1.pgdg120+1)").
    std::string server_version() const {
        const char* v = PQparameterStatus(conn_, "server_version");
        return v ? v : "";
    }
    // The same as a number: 150004 for 15.4.
    int server_version_num() const { return PQserverVersion(conn_); }
    bool in_transaction() const { return PQtransactionStatus(conn_) == PQTRANS_INTRANS; }
    // Inside a transaction, failed or not.
    bool transaction_open() const {
        const auto status = PQtransactionStatus(conn_);
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
    }

  private:
    static void receive_notice(void* self, const PGresult* notice);
    // Before each statement: settles the COPY in flight, then reads what the server sent
    // since the last statement (without waiting).
    void read_pending();
    // The COPY's answer read: its failure, or null.
    PGresult* copy_result();
    [[noreturn]] void fail_result(PGresult* r, const char* what);
    // A message as it may be shown: one line, the password replaced.
    std::string clean(std::string message) const;
    PGconn* conn_ = nullptr;
    std::string shown_, password_, last_state_;
    std::string ended_state_, ended_message_; // what the server said as it ended the session
    bool in_flight_ = false;                  // a COPY sent, its answer not read
    Then then_;
};

// Appends text as one field of COPY's text format.
void copy_field(std::string& out, const std::optional<std::string>& value);
// Appends text, never NULL, within a field of COPY's text format.
void copy_text(std::string& out, std::string_view text);

} // namespace chatctl::postgres
