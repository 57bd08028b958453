#include "core/store/postgres/pg_conn.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cstdlib>

namespace chatctl::postgres {

namespace {

// A server that never answered (nothing listening, nothing answering in time, no such
// host), as opposed to one that refused chatctl (a password, a database, TLS).
bool unreachable(const std::string& why) {
    for (const char* sign :
         {"timeout expired", "Connection refused", "No such file or directory",
          "could not translate host name", "No route to host", "Network is unreachable",
          "Connection timed out", "server closed the connection unexpectedly",
          "Connection reset by peer"})
        if (why.find(sign) != std::string::npos) return true;
    return false;
}

// How long connecting may take, as libpq reads connect_timeout ("10 s", "as long as it takes").
std::string wait_text(const ConnOptions& options) {
    std::string value;
    for (const auto& [key, v] : options)
        if (key == "connect_timeout") value = v;
    if (value.empty())
        if (const char* env = std::getenv("PGCONNECT_TIMEOUT")) value = env;
    const int seconds = std::atoi(value.c_str());
    if (seconds <= 0) return "as long as the network takes";
    return std::to_string(std::max(seconds, 2)) + " s"; // libpq's floor
}

// Whether the connection tried went through a Unix socket (no host, or a folder).
bool on_socket(PGconn* c) {
    return !PQhost(c) || !*PQhost(c) || PQhost(c)[0] == '/';
}

// A --db URI for the server just tried, with `user` and `database` (a placeholder where a
// hint asks for another), percent-encoded; a socket's folder as the host parameter, an
// IPv6 address in brackets. Never a password: libpq's PQuser, PQhost, PQport only.
std::string db_uri(PGconn* c, const std::string& user, const std::string& database) {
    const std::string host = PQhost(c) ? PQhost(c) : "", port = PQport(c) ? PQport(c) : "";
    std::string uri = "postgresql://" + uri_encode(user) + "@";
    if (!on_socket(c))
        uri += (host.find(':') != std::string::npos ? "[" + host + "]" : uri_encode(host)) +
               (port.empty() ? "" : ":" + uri_encode(port));
    uri += "/" + uri_encode(database);
    if (on_socket(c) && !host.empty())
        uri += "?host=" + uri_encode(host, "/") + (port.empty() ? "" : "&port=" + uri_encode(port));
    return uri;
}

// Why a server turned a connection down, told apart by what it said (its SQLSTATE is not
// handed over by libpq for a connection): the error and the hints that fit it.
std::pair<std::string, std::vector<std::string>> refusal(PGconn* c, const std::string& shown,
                                                         const std::string& why) {
    const std::string user = PQuser(c) ? PQuser(c) : "", db = PQdb(c) ? PQdb(c) : "";
    // ~/.pgpass's host:port, a colon in an IPv6 address escaped as the file asks.
    std::string at;
    for (char ch : std::string(PQhost(c) ? PQhost(c) : "localhost"))
        at += ch == ':' ? std::string("\\:") : std::string(1, ch);
    at += ":" + std::string(PQport(c) ? PQport(c) : "*");
    auto says = [&](const char* text) { return why.find(text) != std::string::npos; };
    if (says("database \"") && says("does not exist")) // 3D000
        return {"no database " + db + " on the server of " + shown,
                {"name a database that exists: --db '" + db_uri(c, user, "DATABASE") + "'",
                 "or have it created first (`createdb " + db + "` as a role that may)"}};
    if (says("role \"") && says("does not exist")) // 28000
        return {"the server of " + shown + " has no role " + user,
                {"name a role it has: --db '" + db_uri(c, "ROLE", db) + "'",
                 "or have its DBA create it (CREATE ROLE " + user + " LOGIN)"}};
    if (PQconnectionNeedsPassword(c))
        return {"the server of " + shown + " asks role " + user +
                    " for a password, and none was given",
                {"put it in ~/.pgpass (" + at + ":" + db + ":" + user +
                 ":PASSWORD, mode 0600) or $PGPASSWORD; in --db's URI it would show in process "
                 "lists and shell history"}};
    if (says("password authentication failed")) // 28P01
        return {"the server of " + shown + " refused role " + user + "'s password",
                {"check the password ~/.pgpass or $PGPASSWORD gives for " + user + " on " + at}};
    if (says("no pg_hba.conf entry")) { // 28000
        std::vector<std::string> hints = {"ask the server's DBA to allow it in pg_hba.conf"};
        if (!on_socket(c)) // a socket has no TLS
            hints.push_back("where it allows TLS connections only: --db '" + db_uri(c, user, db) +
                            "?sslmode=require'");
        return {"the server of " + shown + " lets no connection of role " + user + " to database " +
                    db + " in from here (pg_hba.conf)",
                hints};
    }
    if (says("too many clients") || says("connection slots are reserved") ||
        (says("too many") && says("connections"))) // 53300
        return {"the server of " + shown + " takes no more connections (" + why + ")",
                {"run again once others have ended, or go through the team's pooler "
                 "(pgbouncer): --db naming its host and port"}};
    return {"cannot connect to " + shown + ": " + why,
            {"check the URI given with --db or CHATCTL_DB, and libpq's PGHOST, PGUSER, "
             "PGPASSWORD or ~/.pgpass"}};
}

const char* const kLostHint = "the server stopped or restarted, or the network failed; "
                              "nothing of this command was written";

} // namespace

int64_t Result::integer(int row, int col) const {
    return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
}

Conn::Conn(const ConnOptions& options, std::string shown) : shown_(std::move(shown)) {
    // The options as parsed, never the text again: libpq's parse errors quote it.
    std::vector<const char*> keys, values;
    for (const auto& [key, value] : options) {
        keys.push_back(key.c_str());
        values.push_back(value.c_str());
    }
    for (auto [key, value] : {std::pair{"client_encoding", "UTF8"},
                              std::pair{"fallback_application_name", "chatctl"}}) {
        keys.push_back(key);
        values.push_back(value);
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
    if (!conn_) fail(ErrorKind::internal, "out of memory");
    if (const char* pass = PQpass(conn_)) password_ = pass;
    PQsetNoticeReceiver(conn_, receive_notice, this);
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string why = clean(PQerrorMessage(conn_));
        auto [error, hints] = refusal(conn_, shown_, why);
        PQfinish(conn_);
        conn_ = nullptr;
        if (unreachable(why))
            store_fail("cannot reach the server of " + shown_ + ": " + why,
                       {"check that the server runs and that the host and port are right",
                        "chatctl waits " + wait_text(options) +
                            " for it (connect_timeout in the URI, or $PGCONNECT_TIMEOUT)"});
        for (auto& hint : hints)
            hint = clean(hint);
        store_fail(clean(error), hints);
    }
}

std::string Conn::clean(std::string message) const {
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    if (!password_.empty()) // libpq never says it; a server's message might quote it
        for (size_t at = message.find(password_); at != std::string::npos;
             at = message.find(password_, at))
            message.replace(at, password_.size(), "***");
    return message;
}

// libpq's notices (a NOTICE from CREATE ... IF NOT EXISTS, say) are not chatctl's output.
// But an error the server sent between statements, as it ended the session (an idle
// transaction's timeout, an administrator), comes this way when read before the next
// statement: its SQLSTATE is kept, as the failed statement's result no longer has it.
void Conn::receive_notice(void* self, const PGresult* notice) {
    auto* conn = static_cast<Conn*>(self);
    const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char* state = PQresultErrorField(notice, PG_DIAG_SQLSTATE);
    const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
    if (!severity || !state || !conn->ended_state_.empty()) return;
    if (std::string(severity) != "FATAL" && std::string(severity) != "PANIC") return;
    conn->ended_state_ = state;
    conn->ended_message_ = message ? message : "";
}

void Conn::read_pending() {
    settle();
    PQconsumeInput(conn_); // a lost connection shows in the statement that follows
    PQisBusy(conn_);       // parses what was read: between statements, an error is a notice
}

Conn::~Conn() {
    if (conn_) PQfinish(conn_);
}

void Conn::fail_result(PGresult* r, const char* what) {
    auto field = [&](int code) {
        const char* v = r ? PQresultErrorField(r, code) : nullptr;
        return std::string(v ? v : "");
    };
    std::string state = field(PG_DIAG_SQLSTATE);
    std::string message = field(PG_DIAG_MESSAGE_PRIMARY);
    if (state.empty() && !ended_state_.empty()) { // the session ended before the statement
        state = ended_state_;
        message = ended_message_;
    }
    last_state_ = state;
    message = clean(message.empty() ? PQerrorMessage(conn_) : message);
    if (r) PQclear(r);
    const std::string& where = shown_;
    // The limits a DBA sets for a role or a database, named by SQLSTATE: the server ended
    // the transaction (and, for the first, the session), so nothing of it was written.
    if (state == "25P03")
        store_fail("the server ended an idle transaction: idle_in_transaction_session_timeout (" +
                       where + ": " + message + ")",
                   {"chatctl's transaction waited longer than the server's "
                    "idle_in_transaction_session_timeout; nothing of this command was written",
                    "run it again; if it happens again, raise the setting for chatctl's role "
                    "(ALTER ROLE ... SET idle_in_transaction_session_timeout)"});
    if (state == "57014" && message.find("statement timeout") != std::string::npos)
        store_fail("the server cancelled a statement: statement_timeout (" + where + ": " +
                       message + ")",
                   {"a statement ran longer than the server's statement_timeout; nothing of "
                    "this command was written",
                    "a write waits for the write lock within one statement: keep "
                    "--lock-timeout below the limit, or have it raised for chatctl's role "
                    "(ALTER ROLE ... SET statement_timeout)"});
    if (PQstatus(conn_) == CONNECTION_BAD || state.rfind("08", 0) == 0 ||
        state.rfind("57P", 0) == 0) {
        if (std::string(what) == "commit")
            store_fail("lost the connection to " + where +
                           " while committing: whether the change was written is unknown (" +
                           message + ")",
                       {"check with `chatctl plan` (or `chatctl history`) whether the store "
                        "holds the change before running the command again"});
        store_fail("lost the connection to " + where + ": cannot reach the server (" + message +
                       ")",
                   {kLostHint});
    }
    if (state.rfind("23", 0) == 0)
        fail(ErrorKind::conflict, "the store refused the change: " + message);
    if (state == "55P03")
        store_fail(where + " is locked by another writer",
                   {"retry later, or wait longer with --lock-timeout SECONDS"});
    if (state == "40001" || state == "40P01")
        store_fail(where + " could not serialize this command with another (" + message + ")",
                   {"run the command again"});
    if (state == "42501")
        store_fail("role " + user() + " may not do this on " + where + " (" + message + ")",
                   {"chatctl's role needs SELECT, INSERT, UPDATE and DELETE on its tables: the "
                    "schema's owner grants them with `chatctl store init --grant ROLE`"});
    if (state == "42P01" || state == "42703" || state == "42883" || state == "42P10")
        store_fail(where + " does not have the schema chatctl expects (" + message + ")",
                   {"the schema was changed outside chatctl; `chatctl store upgrade`, run by "
                    "its owner, repairs nothing: restore a backup"});
    if (state == "25006")
        store_fail(where + " cannot be written (" + message + ")",
                   {"point --db at the primary server, not a read-only replica"});
    if (state.rfind("53", 0) == 0) store_fail("cannot write " + where + " (" + message + ")");
    store_fail(where + ": " + message + (state.empty() ? "" : " (SQLSTATE " + state + ")"));
}

namespace {

bool ok(PGresult* r) {
    if (!r) return false;
    auto s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

struct Values {
    std::vector<const char*> pointers;
    std::vector<int> lengths;
    explicit Values(const std::vector<Param>& params) {
        for (const auto& p : params) {
            pointers.push_back(p ? p->c_str() : nullptr);
            lengths.push_back(p ? static_cast<int>(p->size()) : 0);
        }
    }
};

} // namespace

void Conn::run(const std::string& sql) {
    read_pending();
    PGresult* r = PQexec(conn_, sql.c_str());
    if (!ok(r)) fail_result(r, "run");
    PQclear(r);
}

void Conn::commit() {
    read_pending();
    PGresult* r = PQexec(conn_, "COMMIT");
    if (!ok(r)) fail_result(r, "commit");
    // A failed deferred check rolls back, and COMMIT reports it as ROLLBACK.
    const bool rolled_back = std::string(PQcmdStatus(r)) == "ROLLBACK";
    PQclear(r);
    if (rolled_back) fail(ErrorKind::conflict, "the store refused the change at commit");
}

Result Conn::query(const std::string& sql, const std::vector<Param>& params) {
    read_pending();
    Values v(params);
    PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                               v.pointers.data(), v.lengths.data(), nullptr, 0);
    if (!ok(r)) fail_result(r, "query");
    return Result(r);
}

void Conn::copy_send(const std::string& copy_sql, const std::string& data, Then then) {
    read_pending();
    PGresult* r = PQexec(conn_, copy_sql.c_str());
    if (!r || PQresultStatus(r) != PGRES_COPY_IN) fail_result(r, "copy");
    PQclear(r);
    constexpr size_t kChunk = 1 << 20;
    bool sent = true;
    for (size_t at = 0; at < data.size() && sent; at += kChunk) {
        size_t n = std::min(kChunk, data.size() - at);
        sent = PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) == 1;
    }
    if (sent) sent = PQputCopyEnd(conn_, nullptr) == 1;
    if (!sent) fail_result(copy_result(), "copy");
    in_flight_ = true;
    then_ = std::move(then);
}

PGresult* Conn::copy_result() {
    PGresult* r = PQgetResult(conn_);
    PGresult* error = ok(r) ? nullptr : r;
    if (!error) PQclear(r);
    while (PGresult* more = PQgetResult(conn_))
        PQclear(more);
    return error;
}

void Conn::settle() {
    if (!in_flight_) return;
    in_flight_ = false;
    Then then = std::move(then_);
    then_ = nullptr;
    PGresult* error = copy_result();
    if (!then) {
        if (error) fail_result(error, "copy");
        return;
    }
    std::exception_ptr failure;
    if (error) {
        try {
            fail_result(error, "copy");
        } catch (...) {
            failure = std::current_exception();
        }
    }
    then(failure);
}

void Conn::forget_in_flight() {
    if (!in_flight_) return;
    in_flight_ = false;
    then_ = nullptr;
    if (PGresult* error = copy_result()) PQclear(error);
}

std::string Conn::escape_identifier(const std::string& name) {
    char* quoted = PQescapeIdentifier(conn_, name.c_str(), name.size());
    if (!quoted) fail(ErrorKind::invalid_input, "cannot quote the role name " + name);
    std::string out = quoted;
    PQfreemem(quoted);
    return out;
}

void copy_field(std::string& out, const std::optional<std::string>& value) {
    if (value)
        copy_text(out, *value);
    else
        out += "\\N";
}

void copy_text(std::string& out, std::string_view text) {
    // Appended a run at a time: most texts have nothing to escape.
    size_t run = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\\' && c != '\t' && c != '\n' && c != '\r') continue;
        out.append(text, run, i - run);
        out += '\\';
        out += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
        run = i + 1;
    }
    out.append(text, run, std::string::npos);
}

} // namespace chatctl::postgres
