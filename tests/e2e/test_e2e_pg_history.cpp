// PostgreSQL's packed history (schema version 7): a write's entries that share their
// change, time, actor, command, tenant, kind and action are one row. Read back, they are
// the entries SQLite keeps one per row, filter for filter; raw SQL cannot make a packed
// row that reads wrong; a store of version 6 keeps its history as it was.
#include "harness.hpp"
#include "pg_helpers.hpp"

#include <doctest/doctest.h>
#include <libpq-fe.h>

using namespace e2e;

namespace {

// Two tenants of n users each; `mark` in every name, with a quote, a backslash and a
// letter outside ASCII (escaped in JSON, in COPY, or not at all).
std::string declaration(int n, const std::string& mark) {
    std::string decl = "tenants:\n";
    for (const std::string tenant : {"north", "south"}) {
        decl += "  - tenant: " + tenant +
                "\n    profiles:\n      - name: Default\n      - name: Experts\n    users:\n";
        for (int i = 0; i < n; ++i)
            decl += "      - login: Agent" + std::to_string(i) + "\n        name: \"Zoë \\\"" +
                    mark + "\\\" \\\\ " + std::to_string(i) + "\"\n" +
                    (i % 3 ? "" : "        profile: Experts\n");
    }
    return decl;
}

// Runs SQL on a connection to `uri`; the server's error, or "".
std::string exec_at(const std::string& uri, const std::string& sql) {
    PGconn* conn = PQconnectdb(uri.c_str());
    PGresult* r = PQexec(conn, sql.c_str());
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(conn);
    return error;
}

// Entries as JSON without their times (the two stores' writes are not at one instant).
Json timeless(Json entries) {
    for (auto& e : entries)
        e.erase("at");
    return entries;
}

} // namespace

TEST_SUITE("postgres") {

    TEST_CASE("a large write's history is packed, and reads entry for entry as SQLite's") {
        Sandbox s;
        const std::string lite = s.dir() + "/same.db";
        // Every command on this store and on a SQLite store, by one actor: the same outcome.
        auto both = [&](std::vector<std::string> args) {
            args.insert(args.begin(), {"--actor", "tester"});
            Result pg = s.run(args);
            args.insert(args.begin(), {"--db", lite});
            Result sqlite = s.run(args, {}, "", true);
            CHECK(pg.code == sqlite.code);
            return std::pair{pg, sqlite};
        };
        auto same = [&](const std::vector<std::string>& args) {
            auto [pg, sqlite] = both(args);
            CAPTURE(args);
            REQUIRE(pg.code == 0);
            CHECK(timeless(pg.json()) == timeless(sqlite.json()));
            CHECK(pg.err == sqlite.err); // "N of M matching entries shown"
            return pg.json();
        };
        both({"tenant", "create", "first"});                                   // change 1
        both({"apply", "-q", "-f", s.write("a.yaml", declaration(700, "a"))}); // 2
        both({"apply", "-q", "-f", s.write("b.yaml", declaration(700, "b"))}); // 3
        both({"apply", "-q", "--prune", "-f", s.write("c.yaml", declaration(500, "b"))}); // 4
        const Json all = same({"history", "--all", "-o", "json"});
        REQUIRE(all.size() == 2 + 2 * (3 + 700 + 700 + 200));
        // Packed: the 2,800 user entries in a few dozen rows, none over 256.
        CHECK(std::stoi(s.query("SELECT count(*) FROM history")[0][0]) < 40);
        CHECK(s.query("SELECT max(entries), sum(entries) FROM history")[0] ==
              std::vector<std::string>{"256", std::to_string(all.size())});
        for (size_t i = 0; i < all.size(); ++i) // newest first, every id once
            CHECK(all[i]["id"] == static_cast<int64_t>(all.size() - i));
        CHECK(all[0]["action"] == "delete");
        CHECK(all[0]["after"].is_null());
        CHECK(all[0]["before"]["name"] == "Zoë \"b\" \\ 699");
        // Pages and filters cut packed rows anywhere: each read is SQLite's.
        for (const char* limit : {"1", "255", "256", "257", "1000"})
            same({"history", "--limit", limit, "-o", "json"});
        same({"history", "--key", "AGENT5", "--all", "-o", "json"});
        same({"history", "--key", "agent699", "-t", "south", "--limit", "2", "-o", "json"});
        same({"history", "--change", "3", "--kind", "user", "--limit", "300", "-o", "json"});
        same({"history", "--change", "2", "--kind", "profile", "-o", "json"});
        same({"history", "-t", "north", "--limit", "600", "-o", "json"});
        same({"history", "--changes", "--all", "-o", "json"});
        same({"history", "--key", "nobody", "-o", "json"});
        // Revert reads a change's packed entries, and the later ones oldest first: the
        // first later change that touched the same user is named, as on SQLite.
        auto [refused_pg, refused_sqlite] = both({"revert", "3"});
        CHECK(refused_pg.code != 0);
        auto named = [](const std::string& err) {
            const size_t at = err.find(") changed ");
            return at == std::string::npos ? std::string("none")
                                           : err.substr(at, err.find(" after change") - at);
        };
        CHECK(named(refused_pg.err) != "none");
        CHECK(named(refused_pg.err) == named(refused_sqlite.err));
        // Reverting the prune puts its 400 users back, from their packed befores.
        both({"revert", "4", "-q"});
        same({"user", "list", "-t", "south", "-o", "json"});
        same({"history", "--change", "5", "--all", "-o", "json"});
        CHECK(s.ok({"user", "list", "-t", "north", "-o", "json"}).json().size() == 700);
    }

    TEST_CASE("raw SQL cannot make a packed history row that reads wrong") {
        Sandbox s;
        s.ok({"apply", "-q", "-f", s.write("a.yaml", declaration(300, "a"))});
        const std::string pack = s.query("SELECT min(id) FROM history WHERE entries = 256")[0][0];
        const std::string insert = "INSERT INTO history (id, entries, change, at, actor, "
                                   "command, tenant, kind, key, action, before, after) VALUES ";
        auto row = [&](const std::string& id, const std::string& entries, const std::string& key,
                       const std::string& after) {
            return insert + "(" + id + ", " + entries + ", 2, '2026-01-01T00:00:00.000Z', 'sql', " +
                   "'x', 'north', 'user', " + key + ", 'create', NULL, " + after + ")";
        };
        const std::string next = "(SELECT max(id + entries) FROM history)";
        const std::string before = s.dump();
        // Refused, by the guard named (a constraint, or the server's own word).
        auto refused = [&](const std::string& statement, const std::string& guard) {
            CAPTURE(statement);
            CHECK(s.sql(statement).find(guard) != std::string::npos);
            CHECK(s.dump() == before);
        };
        // Ids: none inside another row's range, whichever row comes first.
        refused(row(pack + " + 5", "1", "'x'", "'{}'"), "(history_ids)");
        // As the owner too: the checks hold for every role.
        for (const auto& [statement, guard] : std::vector<std::pair<std::string, std::string>>{
                 {"UPDATE history SET id = " + pack + " + 5 WHERE id = (SELECT max(id) FROM " +
                      "history WHERE id < " + pack + ")",
                  "(history_ids)"},
                 {"UPDATE history SET key = key || E'\\nextra' WHERE id = " + pack,
                  "history_packed"},
                 {"UPDATE history SET actor = E'a\\nb' WHERE id = " + pack,
                  "history_no_controls"}}) {
            CAPTURE(statement);
            CHECK(as_owner(s, statement).find(guard) != std::string::npos);
        }
        CHECK(s.dump() == before);
        // Lines: one per entry in every text, or none (NULL); 1 to 4,096 entries to a row
        // (readers look that far back for a row that reaches past an id).
        refused(row(next, "2", "'x'", "E'{}\\n{}'"), "history_packed");
        refused(row(next, "2", "E'x\\ny'", "'{}'"), "history_packed");
        refused(row(next, "2", "E'x\\ny\\nz'", "NULL"), "history_packed");
        refused(row(next, "0", "''", "NULL"), "history_entries");
        refused(row(next, "4097", "repeat(E'x\\n', 4096) || 'x'", "NULL"), "history_entries");
        CHECK(as_owner(s, row(next, "4096", "repeat(E'x\\n', 4095) || 'x'", "NULL") + "; ROLLBACK")
                  .empty());
        // The lines' separator is for packs only; no other control anywhere.
        refused(row(next, "1", "E'x\\ny'", "'{}'"), "history_no_controls");
        refused(row(next, "2", "E'x\\ty\\nz'", "E'{}\\n{}'"), "history_no_controls");
        refused(row(next, "2", "E'x\\ny'", "E'{}\\r\\n{}'"), "history_no_controls");
        // Ids are taken 1 to 65,536 at a time, by a role that may insert into history.
        for (const char* n : {"0", "-1", "65537", "NULL"})
            refused("SELECT chatctl_history_ids(" + std::string(n) + ")", "1 to 65536");
        CHECK(as_owner(s, "DROP ROLE IF EXISTS chatctl_reader; CREATE ROLE chatctl_reader "
                          "LOGIN; GRANT SELECT ON history TO chatctl_reader")
                  .empty());
        CHECK(as_owner(s, "SET ROLE chatctl_reader; SELECT chatctl_history_ids(1)")
                  .find("permission denied") != std::string::npos);
        CHECK(as_owner(s, "DROP OWNED BY chatctl_reader; DROP ROLE chatctl_reader").empty());
        // A transaction that writes history waits for a write in progress (its ids are
        // checked against the write's, once committed), as for chatctl's write lock.
        {
            LockHolder writing(s);
            CHECK(exec_at(s.db_as(kAppRole),
                          "SET lock_timeout = '100ms'; " + row(next, "1", "'waits'", "'{}'"))
                      .find("lock timeout") != std::string::npos);
        }
        // What the rules let in reads as the entries it holds.
        CHECK(s.sql(row(next, "2", "E'sql1\\nsql2'", "E'{}\\n{}'")).empty());
        Json h = s.ok({"history", "--change", "2", "-o", "json"}).json();
        REQUIRE(h.size() == 2);
        CHECK(h[0]["key"] == "sql2");
        CHECK(h[1]["key"] == "sql1");
        CHECK(h[0]["id"].get<int64_t>() == h[1]["id"].get<int64_t>() + 1);
        // Rows raw SQL put where chatctl's next ids would go, or at the last id there is,
        // never stop a write: its ids go past them. A row whose ids reach forward over
        // another's is refused too; and history is written in READ COMMITTED only (a later
        // isolation's snapshot is older than the lock that orders writers).
        const int64_t end = std::stoll(s.query("SELECT max(id + entries) FROM history")[0][0]);
        CHECK(s.sql(row(std::to_string(end + 1), "1", "'ahead'", "'{}'")).empty());
        CHECK(
            s.sql(row(std::to_string(end), "2", "E'a\\nb'", "E'{}\\n{}'")).find("(history_ids)") !=
            std::string::npos);
        CHECK(s.sql("BEGIN ISOLATION LEVEL REPEATABLE READ; " +
                    row(std::to_string(end + 10), "1", "'later'", "'{}'") + "; COMMIT")
                  .find("READ COMMITTED transactions only") != std::string::npos);
        CHECK(s.sql(row("9223372036854775806", "1", "'last'", "'{}'")).empty());
        s.ok({"-q", "apply", "-f", s.write("b.yaml", declaration(600, "b"))});
        s.ok({"tenant", "create", "gamma"});
        h = s.ok({"history", "--change", "4", "-o", "json"}).json();
        REQUIRE(h.size() == 2); // the tenant and its default profile
        CHECK(h[1]["key"] == "gamma");
        CHECK(s.query("SELECT count(*) FROM history a JOIN history b ON a.id < b.id AND "
                      "b.id < a.id + a.entries")[0][0] == "0");
        CHECK(s.ok({"history", "--change", "3", "--all", "-o", "json"}).json().size() == 1200);
        // chatctl writes in READ COMMITTED, whatever the database's default.
        const std::string database = s.query("SELECT current_database()")[0][0];
        CHECK(as_owner(s, "ALTER DATABASE " + database +
                              " SET default_transaction_isolation = 'repeatable read'")
                  .empty());
        s.ok({"tenant", "create", "delta"});
        CHECK(s.ok({"history", "-t", "delta", "-o", "json"}).json().size() == 2);
    }

    TEST_CASE("a version 6 store's history reads the same once upgraded; new writes pack") {
        Sandbox s;
        const std::string entry = "INSERT INTO history (change, at, actor, command, tenant, kind, "
                                  "key, action, before, after) VALUES ";
        std::string rows;
        for (int i = 0; i < 300; ++i)
            rows += std::string(i ? ", " : "") +
                    "(1, '2026-01-01T00:00:00.000Z', 'old', 'apply', " + "'north', 'user', 'u" +
                    std::to_string(i) + "', 'create', NULL, '{\"login\": " + "\"u" +
                    std::to_string(i) + "\"}')";
        REQUIRE(as_owner(s, schema_of_version(6) + entry + rows).empty());
        s.ok({"store", "upgrade"});
        const Json old = s.ok({"history", "--all", "-o", "json"}).json();
        REQUIRE(old.size() == 300);
        for (size_t i = 0; i < old.size(); ++i) {
            CHECK(old[i]["id"] == static_cast<int64_t>(300 - i));
            CHECK(old[i]["key"] == "u" + std::to_string(299 - i));
            CHECK(old[i]["after"]["login"] == old[i]["key"]);
        }
        CHECK(s.query("SELECT count(*), sum(entries) FROM history")[0] ==
              std::vector<std::string>{"300", "300"});
        s.ok({"apply", "-q", "-f", s.write("a.yaml", declaration(300, "a"))});
        const Json all = s.ok({"history", "--all", "-o", "json"}).json();
        REQUIRE(all.size() == 300 + 2 * (3 + 300));
        CHECK(all[0]["id"] == static_cast<int64_t>(all.size()));
        CHECK(Json(std::vector<Json>(all.end() - 300, all.end())) == old);
        CHECK(std::stoi(s.query("SELECT count(*) FROM history WHERE change = 2")[0][0]) <= 10);
    }
}
