// What a shared PostgreSQL asks of chatctl: a transaction pooler (pgbouncer in transaction
// mode, one server session shared by every client of a database: tests/pg/pooler.sh) and
// a DBA's timeouts on chatctl's role. Run through the pooler (ctest's e2e-pool.pooled);
// every case holds on the server alone too.
#include "harness.hpp"
#include "pg_helpers.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <set>
#include <thread>

using namespace e2e;

namespace {

// The role tests/pg/cluster.sh makes with a DBA's limits: idle_in_transaction_session_timeout
// 100 ms, statement_timeout 1 s.
const std::string kLimited = "chatctl_limited";

// A setting as a client of the store's URI sees it (through the pooler, when there is one).
std::string setting(const std::string& uri, const std::string& name) {
    PGconn* conn = PQconnectdb(uri.c_str());
    PGresult* r = PQexec(conn, ("SHOW " + name).c_str());
    std::string value = PQresultStatus(r) == PGRES_TUPLES_OK
                            ? PQgetvalue(r, 0, 0)
                            : "failed: " + std::string(PQerrorMessage(conn));
    PQclear(r);
    PQfinish(conn);
    return value;
}

// chatctl ARGS --db URI, its output read by a reader that waits first, as a slow pipe
// would: the output fills the pipe and chatctl waits on it.
Result through_slow_pipe(const Sandbox& s, const std::string& uri, const std::string& args) {
    const std::string command = "set -o pipefail; '" + chatctl_bin() + "' --db '" + uri + "' " +
                                args + " | { sleep 0.5; wc -l; }";
    return run_binary({"/bin/bash", "-c", command}, {"PATH=/usr/bin:/bin", "HOME=" + s.dir()}, "");
}

// A declaration of tenant `big` with n users.
std::string big_tenant(int n) {
    std::string decl = "tenants:\n  - tenant: big\n    users:\n";
    for (int i = 0; i < n; ++i)
        decl += "      - login: agent" + std::to_string(i) + "\n        name: Agent " +
                std::to_string(i) + "\n        email: agent" + std::to_string(i) + "@example.com\n";
    return decl;
}

} // namespace

TEST_SUITE("pooled") {

    TEST_CASE("eight writers at once lose nothing: history matches the store, no change "
              "number missing") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        constexpr int kWriters = 8, kEach = 6;
        std::vector<Result> results(kWriters * kEach);
        std::vector<std::thread> writers;
        for (int w = 0; w < kWriters; ++w)
            writers.emplace_back([&, w] {
                for (int i = 0; i < kEach; ++i)
                    results[static_cast<size_t>(w * kEach + i)] =
                        s.run({"--lock-timeout", "30", "user", "add",
                               "u" + std::to_string(w) + "x" + std::to_string(i), "-t", "acme"});
            });
        for (auto& t : writers)
            t.join();
        for (const auto& r : results) {
            INFO("stderr: " << r.err);
            CHECK(r.code == 0);
        }
        const Json users = s.ok({"user", "list", "-t", "acme", "-o", "json"}).json();
        CHECK(users.size() == kWriters * kEach);
        // The tenant and its default profile (change 1), then one change per user.
        const Json history = s.ok({"history", "--all", "-o", "json"}).json();
        REQUIRE(history.size() == kWriters * kEach + 2);
        std::set<int64_t> changes;
        std::set<std::string> added;
        for (const auto& entry : history) {
            changes.insert(entry["change"].get<int64_t>());
            if (entry["kind"] == "user") added.insert(entry["key"].get<std::string>());
        }
        CHECK(changes.size() == kWriters * kEach + 1);
        CHECK(*changes.begin() == 1);
        CHECK(*changes.rbegin() == kWriters * kEach + 1); // none missing, none twice
        std::set<std::string> listed;
        for (const auto& u : users)
            listed.insert(u["login"].get<std::string>());
        CHECK(listed == added);
    }

    TEST_CASE("--lock-timeout lasts as long as chatctl's transaction: the next client of the "
              "session sees the server's own") {
        Sandbox s;
        const std::string before = setting(s.db(), "lock_timeout");
        s.ok({"--lock-timeout", "0", "tenant", "create", "acme"});
        CHECK(setting(s.db(), "lock_timeout") == before);
        s.ok({"--lock-timeout", "7", "tenant", "list"});
        CHECK(setting(s.db(), "lock_timeout") == before);
        s.ok({"--lock-timeout", "9", "history"});
        CHECK(setting(s.db(), "lock_timeout") == before);
        CHECK(setting(s.db(), "application_name").rfind("chatctl/", 0) != 0);
    }

    TEST_CASE("after a failed write, reads and writes go on") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        Result r = s.run({"tenant", "create", "acme"}); // already there
        CHECK(r.code == 4);
        {
            LockHolder holder(s); // another writer, on a session of its own
            r = s.run({"--lock-timeout", "1", "tenant", "create", "beta"});
            CHECK(r.code == 6);
            CHECK(r.err.find("is locked by another writer") != std::string::npos);
        }
        r = s.run({"profile", "add", "Night", "-t", "nope"});
        CHECK(r.code == 3);
        s.ok({"tenant", "create", "beta"});
        s.ok({"profile", "add", "Night", "-t", "beta"});
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json().size() == 2);
        CHECK(s.ok({"history", "-o", "json"}).json().size() == 5);
    }

    TEST_CASE("under a DBA's timeouts, a large tenant is listed, and its history read, into a "
              "slow pipe") {
        Sandbox s;
        constexpr int kUsers = 40000;
        s.ok({"tenant", "create", "big"});
        s.ok({"-q", "apply", "-f", s.write("big.yaml", big_tenant(kUsers))}); // change 2
        s.ok({"store", "init", "--grant", kLimited});
        const std::string limited = s.db_as(kLimited);
        Result r = through_slow_pipe(s, limited, "user list -t big -o csv");
        INFO("stderr: " << r.err);
        CHECK(r.code == 0);
        CHECK(r.out == std::to_string(kUsers + 1) + "\n");
        r = through_slow_pipe(s, limited, "history --all -o csv");
        CHECK(r.code == 0);
        CHECK(r.out == std::to_string(kUsers + 3) + "\n"); // the tenant, its profile, the users
    }

    TEST_CASE("under a DBA's timeouts, a large tenant's making is reverted in a dry run, and "
              "the tenant deleted with its users") {
        Sandbox s;
        constexpr int kUsers = 30000;
        s.ok({"-q", "apply", "-f", s.write("big.yaml", big_tenant(kUsers))}); // change 1
        s.ok({"store", "init", "--grant", kLimited});
        const std::string limited = s.db_as(kLimited);
        auto as_limited = [&](std::vector<std::string> args) {
            args.insert(args.begin(), {"--db", limited, "-o", "json"});
            return s.run(args, {}, "", true);
        };
        // Both delete the tenant's users a batch at a time, each batch's history recorded
        // before the next page is read: no gap near the 100 ms the role allows.
        Result dry = as_limited({"revert", "1", "--dry-run"});
        INFO("revert stderr: " << dry.err);
        REQUIRE(dry.code == 0);
        CHECK(dry.json()["summary"]["delete"] == kUsers + 2); // the users, Default, the tenant
        Result gone = as_limited({"tenant", "delete", "big", "--force"});
        INFO("delete stderr: " << gone.err);
        REQUIRE(gone.code == 0);
        CHECK(gone.json()["summary"]["delete"] == kUsers + 2);
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json().empty());
        CHECK(
            s.ok({"history", "-t", "big", "--kind", "user", "--all", "-o", "json"}).json().size() ==
            size_t(2 * kUsers));
    }

    TEST_CASE("under a statement_timeout, history of many entries is read and counted a page "
              "at a time") {
        Sandbox s;
        s.ok({"tenant", "create", "big"});
        s.ok({"store", "init", "--grant", kLimited});
        // 200,000 entries of one change, written as the owner (faster than an apply), as
        // they are before a vacuum (kept so: the time of a count depends on it), and a
        // limit of 100 ms in this database: counting them in one statement takes longer,
        // as 650,000 did beyond 1 s.
        s.query("INSERT INTO history (change, at, actor, command, tenant, kind, key, action, "
                "after) SELECT 2, '2026-01-01T00:00:00.000Z', 'me', 'apply', 'big', 'user', "
                "'agent' || g, 'create', '{\"tenant\":\"big\",\"login\":\"agent' || g || "
                "'\",\"name\":null,\"email\":null,\"profile\":\"Default\"}' "
                "FROM generate_series(1, 200000) g");
        s.query("ALTER TABLE history SET (autovacuum_enabled = off); ANALYZE history");
        s.query("ALTER ROLE " + kLimited + " IN DATABASE " + database_of(s) +
                " SET statement_timeout = '100ms'");
        const std::string limited = s.db_as(kLimited);
        for (const std::vector<std::string>& args :
             std::vector<std::vector<std::string>>{{"history", "-o", "json"},
                                                   {"history", "--change", "2", "--limit", "5"},
                                                   {"history", "-t", "big", "--kind", "user"}}) {
            std::vector<std::string> full{"--db", limited};
            full.insert(full.end(), args.begin(), args.end());
            Result r = s.run(full, {}, "", true);
            INFO("stderr: " << r.err);
            CHECK(r.code == 0);
            CHECK(r.err.find(" of 20000") != std::string::npos); // all counted: " of 200000"
        }
    }

    TEST_CASE("a transaction the server ended for idle_in_transaction_session_timeout is "
              "named so; nothing of it is written") {
        Sandbox s;
        s.ok({"tenant", "create", "big"});
        s.ok({"-q", "apply", "-f", s.write("big.yaml", big_tenant(20000))}); // change 2
        s.ok({"store", "init", "--grant", kLimited});
        const std::string before = s.dump();
        // The write waits, inside its transaction, for rows another session holds; it is
        // stopped there, the rows are let go, and the server ends its session once it has
        // stood idle in its transaction for the role's idle_in_transaction_session_timeout.
        PGconn* holder = PQconnectdb(s.server().c_str());
        PQclear(PQexec(holder, "BEGIN; SELECT 1 FROM users FOR UPDATE"));
        Result r;
        std::atomic<bool> finished{false};
        std::thread revert([&] { // a write that, once it has begun, is never tried again
            r = s.run({"--db", s.db_as(kLimited), "-q", "revert", "2"}, {}, "", true);
            finished = true;
        });
        bool stopped = false;
        while (!finished && !stopped) {
            auto rows = s.query("SELECT application_name FROM pg_stat_activity WHERE "
                                "application_name LIKE 'chatctl/revert 2|%' AND "
                                "wait_event_type = 'Lock' AND datname = current_database()");
            if (!rows.empty()) {
                const std::string& name = rows[0][0];
                const size_t bar = name.rfind('|');
                const pid_t pid = std::stoi(name.substr(bar + 1, name.find('@', bar) - bar - 1));
                ::kill(pid, SIGSTOP);
                PQclear(PQexec(holder, "COMMIT"));
                std::this_thread::sleep_for(std::chrono::milliseconds(400));
                ::kill(pid, SIGCONT);
                stopped = true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        PQfinish(holder);
        revert.join();
        REQUIRE(stopped);
        INFO("stderr: " << r.err);
        CHECK(r.code == 6);
        CHECK(r.err.find("the server ended an idle transaction: "
                         "idle_in_transaction_session_timeout") != std::string::npos);
        CHECK(r.err.find("ALTER ROLE") != std::string::npos);
        CHECK(r.err.find("restarted") == std::string::npos);
        CHECK(s.dump() == before);
    }

    TEST_CASE("a statement the server cancelled for statement_timeout is named so") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"store", "init", "--grant", kLimited});
        const std::string before = s.dump();
        LockHolder holder(s); // chatctl waits for the write lock longer than the role's 1 s
        Result r =
            s.run({"--db", s.db_as(kLimited), "--lock-timeout", "5", "tenant", "create", "beta"},
                  {}, "", true);
        INFO("stderr: " << r.err);
        CHECK(r.code == 6);
        CHECK(r.err.find("the server cancelled a statement: statement_timeout") !=
              std::string::npos);
        CHECK(r.err.find("ALTER ROLE") != std::string::npos);
        CHECK(s.dump() == before);
    }
}
