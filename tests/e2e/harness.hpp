// Runs the real chatctl binary in a private folder with a controlled environment, and
// reads the store it leaves behind.
#pragma once

#include "core/model.hpp"

#include <map>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace e2e {

using chatctl::Json;

// As the value of a variable given to Sandbox::run: leave the variable out altogether
// ("" sets it, empty).
inline const std::string kUnset = "\x01unset";

struct Result {
    int code = -1;
    std::string out, err;
    long max_rss_kb = 0;   // the process's peak memory
    Json json() const;     // stdout as JSON
    Json err_json() const; // stderr as JSON (with -o json)
};

// The chatctl under test: $CHATCTL_TEST_BIN when set (the sanitizer build's, driven by
// the ordinary build's tests), else this build's own.
const std::string& chatctl_bin();

// Whether that chatctl runs under the sanitizers, several times slower and with an
// allocator that measures itself: $CHATCTL_TEST_SANITIZED is 1.
bool sanitized();

// The store under test: a SQLite file in the sandbox, or, when CHATCTL_TEST_PG_HOST names
// the socket folder of a running PostgreSQL server, a fresh database on it (created and
// dropped by the sandbox), which chatctl reaches through a pooler when
// CHATCTL_TEST_PG_POOLER names the pooler's socket folder (tests/pg/pooler.sh). Test cases about a
// store's files say "[file]" in their names and are run on SQLite only.
bool on_postgres();
// Whether chatctl reaches that server through a pooler.
bool pooled();
// SQL counting the history entries of the rows selected: PostgreSQL packs a write's
// entries, many to a row (`entries`); SQLite keeps one per row.
std::string history_entries_sql();

// The role of the everyday user of a PostgreSQL store (DML only), for raw SQL.
inline const std::string kAppRole = "chatctl_app";

class Sandbox {
  public:
    Sandbox();
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    const std::string& dir() const { return dir_; }
    const std::string& db() const { return db_; }
    // The same store, reached as another PostgreSQL role (db() on SQLite).
    std::string db_as(const std::string& role) const;
    // The store's database on the server itself, as its owner, never through the pooler
    // chatctl may be given (CHATCTL_TEST_PG_POOLER): the harness's own sessions, which
    // hold locks or read rows beside chatctl's (db() on SQLite).
    std::string server() const;

    // chatctl --db STORE ARGS, with the store in the sandbox (unless no_db), HOME in the
    // sandbox, and env added to a clean environment.
    Result run(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {}, const std::string& input = "",
               bool no_db = false) const;
    // Same, but fails the test unless the exit code is 0.
    Result ok(const std::vector<std::string>& args) const;

    // Every row of every table, and the schema version, as text.
    std::string dump() const;
    // Writes a file (and its folders) in the sandbox; returns its path.
    std::string write(const std::string& name, const std::string& text) const;
    // The store file's bytes ("" when missing).
    std::string bytes() const;
    // Runs SQL on the store through a connection with foreign keys on (SQLite), or as the
    // DML-only role (PostgreSQL, its schema made first); returns the store's error
    // message, or "" when it succeeded.
    std::string sql(const std::string& statement) const;

    // Rows of a query on the store, as its owner (read only on SQLite), NULL as "NULL".
    std::vector<std::vector<std::string>> query(const std::string& sql) const;

  private:
    std::string dump_rows() const;
    std::string dump_postgres() const;
    std::string dir_, db_, database_;
};

// Holds the store's write lock, as another writer in the middle of its write would, until
// destroyed.
class LockHolder {
  public:
    explicit LockHolder(const Sandbox& s);
    ~LockHolder();
    LockHolder(const LockHolder&) = delete;
    LockHolder& operator=(const LockHolder&) = delete;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

Result run_binary(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const std::string& input);

// A tenant's users as `user list` shows them: login -> "name|email|profile", "-" for none.
std::map<std::string, std::string> users_of(const Sandbox& s, const std::string& tenant);

// Tenant `acme` of 14 agents taking one chat each without wrap-up (simulate's published
// example: 100 chats per 30 min of 180 s need 14 for 80/20s).
void fourteen_agents(const Sandbox& s);

// A file's bytes (empty if it cannot be read).
std::string slurp(const std::string& path);

// Starts chatctl ARGS (output discarded) and returns at once with its pid.
pid_t start_binary(const std::vector<std::string>& args, const std::vector<std::string>& env);

// A write's document as `plan` prints it: without its `change`, which the test fails
// unless it is a change number (null for a write that changed nothing).
Json as_plan(const Result& write);

// Makes the sandbox's store a SQLite file of schema version 1: tenant `old`, its profile
// `Default` and its user `ann`.
void write_version1_store(const Sandbox& s);

// Runs the command, asserts its exit code, and that it changed nothing in the store.
void expect_refused(const Sandbox& s, const std::vector<std::string>& args, int code,
                    const std::string& message_part = "");

} // namespace e2e
