// What only a PostgreSQL store has: roles (the schema's owner, a role with row access
// only), a password in the URI, a server's locks and connections. Run on PostgreSQL only;
// every other suite runs on both stores.
#include "core/store/postgres/pg_schema.hpp"
#include "harness.hpp"
#include "pg_helpers.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <functional>
#include <libpq-fe.h>
#include <map>
#include <thread>

using namespace e2e;

namespace {

std::string socket_dir() {
    return std::getenv("CHATCTL_TEST_PG_HOST");
}

} // namespace

TEST_SUITE("postgres") {

    TEST_CASE("the owner makes the store; a role with row access only uses it, cannot break it") {
        Sandbox s;
        const std::string app = s.db_as(kAppRole);
        // Without the schema, the everyday role cannot make it, and says who can.
        Result r = s.run({"--db", app, "tenant", "create", "acme"}, {}, "", true);
        CHECK(r.code == 6);
        CHECK(r.err.find("may not create") != std::string::npos);
        CHECK(r.err.find("store init --grant chatctl_app") != std::string::npos);
        CHECK(s.dump().empty());
        r = s.run({"store", "upgrade"});
        CHECK(r.code == 6);
        CHECK(s.dump().empty());

        // Each says what it did.
        const int current = chatctl::postgres::schema::current_version();
        Json init = s.ok({"store", "init", "--grant", kAppRole, "-o", "json"}).json();
        CHECK(init["schema_version"] == current);
        CHECK(init["done"] == "created");
        CHECK(init["previous_version"].is_null());
        CHECK(init["granted_to"] == kAppRole);
        Json again = s.ok({"store", "init", "--grant", kAppRole, "-o", "json"}).json();
        CHECK(again["done"] == "nothing");
        CHECK(again["previous_version"] == current);
        CHECK(again["granted_to"] == kAppRole);
        CHECK(s.ok({"store", "init", "--grant", kAppRole}).out ==
              "Granted everyday use (rows only) of " + std::string(init["store"]) +
                  " to role chatctl_app.\n");
        Json upgrade = s.ok({"store", "upgrade", "-o", "json"}).json();
        CHECK(upgrade["done"] == "nothing");
        CHECK(upgrade["granted_to"].is_null());
        CHECK(s.ok({"store", "upgrade"}).out == std::string(init["store"]) +
                                                    " is at schema version " +
                                                    std::to_string(current) + ": nothing to do.\n");

        auto as_app = [&](std::vector<std::string> args) {
            args.insert(args.begin(), {"--db", app});
            Result out = s.run(args, {}, "", true);
            INFO("stderr: " << out.err);
            CHECK(out.code == 0);
            return out;
        };
        as_app({"tenant", "create", "acme"});
        as_app({"profile", "add", "Experts", "-t", "acme", "--max-chats", "5"});
        as_app({"user", "add", "alice", "-t", "acme", "--profile", "Experts"});
        std::string decl = s.write("d.yaml", "tenants:\n  - tenant: beta\n    users:\n"
                                             "      - login: bob\n");
        as_app({"apply", "-f", decl});
        CHECK(as_app({"export", "-o", "json"}).json()["tenants"].size() == 2);
        CHECK(as_app({"history", "-o", "json"}).json().size() == 7);

        // Raw SQL as that role: no DDL, no TRUNCATE, history append-only.
        const std::string before = s.dump();
        for (const char* statement :
             {"DROP TRIGGER profiles_keep_default ON profiles",
              "ALTER TABLE tenants DROP CONSTRAINT tenants_default_profile",
              "ALTER TABLE profiles DISABLE TRIGGER ALL", "TRUNCATE users", "DELETE FROM history",
              "UPDATE history SET actor = 'someone else'",
              "UPDATE chatctl_version SET version = 99", "SET session_replication_role = replica",
              "CREATE TABLE tenants_copy (id int)", "DROP INDEX users_login",
              "DELETE FROM profiles WHERE name = 'Default'"}) {
            CAPTURE(statement);
            CHECK(!s.sql(statement).empty());
            CHECK(s.dump() == before);
        }
    }

    TEST_CASE("a password is never shown: not in errors, output or history") {
        Sandbox s;
        const std::string secret = "s3cr3t-Pa55";
        const std::string host = "?host=" + socket_dir();
        for (const std::string& uri :
             {"postgresql://postgres:" + secret + "@/no_such_db" + host,
              "postgres://postgres:" + secret + "@/no_such_db" + host,
              "postgresql:///no_such_db" + host + "&user=postgres&password=" + secret}) {
            for (const char* format : {"table", "json"}) {
                Result r = s.run({"--db", uri, "-o", format, "tenant", "list"}, {}, "", true);
                CAPTURE(uri);
                CHECK(r.code == 6);
                CHECK(r.err.find("no_such_db") != std::string::npos);
                CHECK(r.err.find(secret) == std::string::npos);
                CHECK(r.out.find(secret) == std::string::npos);
            }
        }
        Result r = s.run({"--db", "postgresql:///no_such_db" + host + "&user=postgres", "history"},
                         {{"PGPASSWORD", secret}}, "", true);
        CHECK(r.code == 6);
        CHECK(r.err.find(secret) == std::string::npos);
        // Where the password works (this server trusts its socket), nothing shows it either.
        const std::string uri = "postgresql://postgres:" + secret + "@/" + database_of(s) + host;
        for (const std::vector<std::string>& args :
             std::vector<std::vector<std::string>>{{"store", "init"},
                                                   {"tenant", "create", "acme"},
                                                   {"-o", "json", "history"},
                                                   {"tenant", "create", "acme"},
                                                   {"tenant", "show", "nobody"}}) {
            std::vector<std::string> full{"--db", uri};
            full.insert(full.end(), args.begin(), args.end());
            Result out = s.run(full, {}, "", true);
            CHECK(out.out.find(secret) == std::string::npos);
            CHECK(out.err.find(secret) == std::string::npos);
        }
        CHECK(s.dump().find(secret) == std::string::npos);
    }

    TEST_CASE("libpq's own environment completes a short URI, as for psql") {
        Sandbox s;
        const std::string uri = "postgresql:///" + database_of(s);
        Result r = s.run({"--db", uri, "tenant", "create", "acme"},
                         {{"PGHOST", socket_dir()}, {"PGUSER", "postgres"}}, "", true);
        INFO("stderr: " << r.err);
        CHECK(r.code == 0);
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json()[0]["tenant"] == "acme");
        // Through $CHATCTL_DB too.
        r = s.run({"tenant", "list", "-o", "json"},
                  {{"CHATCTL_DB", uri}, {"PGHOST", socket_dir()}, {"PGUSER", "postgres"}}, "",
                  true);
        CHECK(r.code == 0);
        CHECK(r.json().size() == 1);
    }

    TEST_CASE("a write waits for a row another session holds only --lock-timeout long") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        std::atomic<bool> release{false};
        std::thread holder([&] { // a session in the middle of its own change to acme
            s.query("BEGIN; SELECT * FROM tenants WHERE key = 'acme' FOR UPDATE; "
                    "SELECT pg_sleep(4); COMMIT");
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        std::string before = s.dump();
        auto t0 = std::chrono::steady_clock::now();
        Result r = s.run({"tenant", "edit", "acme", "--display-name", "A", "--lock-timeout", "1"});
        const double waited =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        holder.join();
        CHECK(r.code == 6);
        CHECK(r.err.find("locked") != std::string::npos);
        CHECK(waited < 3.5); // gave up after its timeout, before the other session ended
        CHECK(s.dump() == before);
        s.ok({"tenant", "edit", "acme", "--display-name", "A"});
    }

    TEST_CASE("a version 1 store is upgraded: change numbers, one per command, and milliseconds") {
        Sandbox s;
        CHECK(as_owner(s, std::string(chatctl::postgres::schema::migrations()[0]) +
                              "INSERT INTO chatctl_version (version) VALUES (1);"
                              "INSERT INTO history (at, actor, command, tenant, kind, key, action) "
                              "VALUES ('2026-01-01T10:00:00Z', 'a', 'x', 't', 'tenant', 't', "
                              "'create'), ('2026-01-01T10:00:00Z', 'a', 'x', 't', 'tenant', 't', "
                              "'update'), ('2026-01-01T10:00:01Z', 'a', 'x', 't', 'tenant', 't', "
                              "'delete')")
                  .empty());
        CHECK(s.ok({"store", "upgrade", "-o", "json"}).json()["schema_version"] ==
              chatctl::postgres::schema::current_version());
        Json h = s.ok({"history", "-o", "json"}).json();
        REQUIRE(h.size() == 3);
        CHECK(h[0]["change"] == 2);
        CHECK(h[1]["change"] == 1);
        CHECK(h[2]["change"] == 1);
        CHECK(h[2]["at"] == "2026-01-01T10:00:00.000Z");
        s.ok({"tenant", "create", "acme"});
        CHECK(s.ok({"history", "--limit", "1", "-o", "json"}).json()[0]["change"] == 3);
    }

    TEST_CASE("a version 2 store holding control characters is not upgraded; once corrected, "
              "it is") {
        Sandbox s;
        CHECK(as_owner(s, std::string(chatctl::postgres::schema::migrations()[0]) +
                              chatctl::postgres::schema::migrations()[1] +
                              "INSERT INTO chatctl_version (version) VALUES (2);"
                              "INSERT INTO tenants (id, key, display_name, default_profile_id) "
                              "VALUES (1, 'acme', 'A' || chr(27) || ']0;x' || chr(7), 1);"
                              "INSERT INTO profiles (id, tenant_id, name) VALUES (1, 1, "
                              "'Default' || chr(133));")
                  .empty());
        const std::string before = s.dump();
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["display_name"] ==
              "A\x1b]0;x\x07");
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"tenant", "edit", "acme", "--display-name", "B"},
              {"store", "upgrade"}}) {
            Result r = s.run(args);
            INFO("stderr: " << r.err);
            CHECK(r.code == 6);
            CHECK(r.err.find("tenant acme (display_name)") != std::string::npos);
            CHECK(r.err.find("profile acme/Default\\u0085 (name)") != std::string::npos);
            CHECK(r.err.find('\x1b') == std::string::npos);
            CHECK(s.dump() == before);
        }
        CHECK(as_owner(s, "UPDATE tenants SET display_name = 'A'; "
                          "UPDATE profiles SET name = 'Default'")
                  .empty());
        CHECK(s.ok({"store", "upgrade", "-o", "json"}).json()["schema_version"] ==
              chatctl::postgres::schema::current_version());
        s.ok({"tenant", "edit", "acme", "--display-name", "B"});
        CHECK(!as_owner(s, "UPDATE tenants SET display_name = 'A' || chr(155)").empty());
        CHECK(!as_owner(s, "UPDATE tenants SET owner = 'ci' || chr(155)").empty());
        CHECK(as_owner(s, "UPDATE tenants SET owner = 'ci'").empty());
    }

    TEST_CASE("a version 3 store is read as it is, with no owners, and upgraded by its first "
              "write; set back, its owners' index betrays it") {
        Sandbox s;
        CHECK(as_owner(s, schema_of_version(3) +
                              "INSERT INTO tenants (id, key, default_profile_id) VALUES (1, "
                              "'acme', 1); INSERT INTO profiles (id, tenant_id, name) VALUES "
                              "(1, 1, 'Default');")
                  .empty());
        const std::string before = s.dump();
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["owner"].is_null());
        CHECK(s.run({"plan", "--prune", "--owner", "ci", "-f", s.write("e.yaml", "tenants: []\n")})
                  .code == 0);
        CHECK(s.dump() == before);
        s.ok({"apply", "--owner", "ci", "-f", s.write("a.yaml", "tenants: [{tenant: acme}]\n")});
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["owner"] == "ci");
        CHECK(s.query("SELECT version FROM chatctl_version")[0][0] ==
              std::to_string(chatctl::postgres::schema::current_version()));
        CHECK(!s.sql("UPDATE tenants SET owner = 'two words'").empty());
        CHECK(as_owner(s, "UPDATE chatctl_version SET version = 3").empty());
        expect_refused(s, {"tenant", "list"}, 6, "it holds tenants_by_owner");
        expect_refused(s, {"tenant", "edit", "acme", "--owner", "x"}, 6, "tenants_by_owner");
    }

    TEST_CASE("a version 5 store is upgraded: a role granted before may record reasons") {
        Sandbox s;
        CHECK(as_owner(s, schema_of_version(5) + "GRANT SELECT, INSERT, UPDATE, DELETE ON "
                                                 "tenants, profiles, users TO chatctl_app; "
                                                 "GRANT SELECT, INSERT ON history TO "
                                                 "chatctl_app; GRANT SELECT ON chatctl_version "
                                                 "TO chatctl_app;")
                  .empty());
        Json up = s.ok({"store", "upgrade", "-o", "json"}).json();
        CHECK(up["done"] == "upgraded");
        CHECK(up["previous_version"] == 5);
        CHECK(s.ok({"store", "upgrade"}).out.find("nothing to do") != std::string::npos);
        Result r = s.run({"--db", s.db_as(kAppRole), "tenant", "create", "acme", "-m", "go live"},
                         {}, "", true);
        INFO("stderr: " << r.err);
        CHECK(r.code == 0);
        CHECK(s.ok({"history", "--changes", "-o", "json"}).json()[0]["reason"] == "go live");
        // A role that could only read history still reads it, reasons included, and may
        // not write them.
        Sandbox t;
        CHECK(as_owner(t, schema_of_version(5) + "GRANT SELECT ON tenants, profiles, users, "
                                                 "history, chatctl_version TO chatctl_limited;")
                  .empty());
        t.ok({"store", "upgrade"});
        t.ok({"tenant", "create", "acme", "-m", "audited"});
        const std::string reader = t.db_as("chatctl_limited");
        r = t.run({"--db", reader, "history", "--changes", "-o", "json"}, {}, "", true);
        INFO("stderr: " << r.err);
        CHECK(r.code == 0);
        CHECK(r.json()[0]["reason"] == "audited");
        r = t.run({"--db", reader, "tenant", "create", "beta"}, {}, "", true);
        CHECK(r.code == 6);
        // A schema whose name needs quoting, a quote in it, is upgraded all the same.
        Sandbox odd;
        const std::string name = "\"o'neil\"";
        CHECK(as_owner(odd, "CREATE SCHEMA " + name + "; ALTER DATABASE " + database_of(odd) +
                                " SET search_path = " + name + "; SET search_path = " + name +
                                "; " + schema_of_version(5, name) + "GRANT USAGE ON SCHEMA " +
                                name +
                                " TO chatctl_app; GRANT "
                                "SELECT, INSERT ON " +
                                name + ".history TO chatctl_app;")
                  .empty());
        Json upgraded = odd.ok({"store", "upgrade", "-o", "json"}).json();
        CHECK(upgraded["done"] == "upgraded");
        odd.ok({"tenant", "create", "acme", "-m", "odd schema"});
        CHECK(odd.query("SELECT reason FROM \"o'neil\".change_reasons")[0][0] == "odd schema");
        CHECK(odd.query("SELECT has_table_privilege('chatctl_app', '\"o''neil\".change_reasons', "
                        "'INSERT')")[0][0] == "t");
    }

    TEST_CASE("a connection turned down says why, with the --db to use, not a list of guesses") {
        Sandbox s;
        const std::string host = "?host=" + socket_dir();
        struct Case {
            std::string uri;
            std::map<std::string, std::string> env;
            std::vector<std::string> says;
        };
        const std::vector<Case> cases = {
            {"postgresql://postgres@/no_such_db" + host,
             {},
             {"no database no_such_db on the server of",
              "--db 'postgresql://postgres@/DATABASE" + host, "createdb no_such_db"}},
            {"postgresql://nobody_here@/postgres" + host,
             {},
             {"has no role nobody_here", "--db 'postgresql://ROLE@/postgres" + host,
              "CREATE ROLE nobody_here LOGIN"}},
            {"postgresql://chatctl_pw@/postgres" + host,
             {{"PGPASSWORD", kUnset}},
             {"asks role chatctl_pw for a password, and none was given", "~/.pgpass"}},
            {"postgresql://chatctl_pw@/postgres" + host,
             {{"PGPASSWORD", "surely-not-its-password"}},
             {"refused role chatctl_pw's password", "~/.pgpass or $PGPASSWORD"}}};
        for (const auto& c : cases) {
            CAPTURE(c.uri);
            Result r = s.run({"--db", c.uri, "tenant", "list"}, c.env, "", true);
            CHECK(r.code == 6);
            for (const auto& part : c.says) {
                CAPTURE(part);
                CHECK(r.err.find(part) != std::string::npos);
            }
            // The guesses of a failure not told apart are not given for these.
            CHECK(r.err.find("PGHOST, PGUSER") == std::string::npos);
            CHECK(r.err.find("surely-not-its-password") == std::string::npos);
        }
    }

    TEST_CASE("a version 4 store is upgraded: each profile's users counted, R6 and R7 kept") {
        Sandbox s;
        CHECK(as_owner(s, schema_of_version(4) +
                              "INSERT INTO tenants (id, key, default_profile_id) VALUES (1, "
                              "'acme', 1); INSERT INTO profiles (id, tenant_id, name) VALUES "
                              "(1, 1, 'Default'), (2, 1, 'Experts'); INSERT INTO users "
                              "(tenant_id, login, profile_id) VALUES (1, 'alice', 2), (1, 'bob', "
                              "2), (1, 'carol', 1);")
                  .empty());
        CHECK(s.query("SELECT to_regclass('profile_users') IS NULL")[0][0] == "t");
        s.ok({"store", "upgrade"});
        const std::string counts = "SELECT profile_id, users FROM profile_users ORDER BY 1";
        using Rows = std::vector<std::vector<std::string>>;
        CHECK(s.query(counts) == Rows{{"1", "1"}, {"2", "2"}});
        CHECK(s.query("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = "
                      "'users'::regclass")[0][0] == "0");
        CHECK(!s.sql("DELETE FROM profiles WHERE name = 'Experts'").empty());
        CHECK(!s.sql("INSERT INTO users (tenant_id, login, profile_id) VALUES (1, 'eve', 9)")
                   .empty());
        s.ok({"profile", "delete", "Experts", "-t", "acme", "--reassign-to", "Default"});
        CHECK(s.query(counts) == Rows{{"1", "3"}});
        CHECK(as_owner(s, "UPDATE chatctl_version SET version = 4").empty());
        expect_refused(s, {"user", "list", "-t", "acme"}, 6, "it holds profile_users");
        // A store whose users break R6 (its key made NOT VALID by hand) is not upgraded.
        Sandbox t;
        CHECK(as_owner(t, schema_of_version(4) +
                              "ALTER TABLE users DROP CONSTRAINT users_tenant_id_profile_id_fkey;"
                              "INSERT INTO tenants (id, key, default_profile_id) VALUES (1, "
                              "'acme', 1), (2, 'beta', 2); INSERT INTO profiles (id, tenant_id, "
                              "name) VALUES (1, 1, 'Default'), (2, 2, 'Default'); INSERT INTO "
                              "users (tenant_id, login, profile_id) VALUES (1, 'alice', 2);"
                              "ALTER TABLE users ADD CONSTRAINT users_tenant_id_profile_id_fkey "
                              "FOREIGN KEY (tenant_id, profile_id) REFERENCES profiles "
                              "(tenant_id, id) NOT VALID;")
                  .empty());
        const std::string before = t.dump();
        CHECK(t.run({"store", "upgrade"}).code != 0);
        CHECK(t.dump() == before);
    }

    // Before autovacuum gets to them, the planner would take a tenant of many new users for
    // a few, and page through them by sorting all that are left, for each page.
    TEST_CASE("a write that grows a table by more than a tenth leaves the planner its size") {
        Sandbox s;
        s.ok({"store", "init", "--grant", kAppRole});
        CHECK(as_owner(s, "ALTER TABLE users SET (autovacuum_enabled = false)").empty());
        auto known_rows = [&](const std::string& table) {
            return std::stoll(s.query("SELECT reltuples::bigint FROM pg_class WHERE oid = '" +
                                      table + "'::regclass")[0][0]);
        };
        auto tenant = [&](const std::string& key, int users) {
            std::string decl = "tenants:\n  - tenant: " + key + "\n    users:\n";
            for (int i = 0; i < users; ++i)
                decl += "      - login: u" + std::to_string(i) + "\n";
            return s.write(key + ".yaml", decl);
        };
        // A few rows: left to autovacuum.
        s.ok({"apply", "-q", "-f", tenant("small", 20)});
        CHECK(known_rows("users") < 0);
        // Many: counted in the transaction that adds them.
        s.ok({"apply", "-q", "-f", tenant("large", 12000)});
        CHECK(known_rows("users") == 12020);
        // A thousand rows or more, but fewer than a tenth more: the statistics stand.
        s.ok({"apply", "-q", "-f", tenant("medium", 1100)});
        CHECK(known_rows("users") == 12020);
        // A role that does not own the tables may not analyze them: the write is done all
        // the same, and the server's warning is not chatctl's output.
        Result r = s.run({"--db", s.db_as(kAppRole), "apply", "-q", "-f", tenant("other", 3000)},
                         {}, "", true);
        CHECK(r.code == 0);
        CHECK(r.err.empty());
        CHECK(s.query("SELECT count(*) FROM users")[0][0] == "16120");
        CHECK(known_rows("users") == 12020);
        // A table another session holds as VACUUM or ANALYZE would (SHARE UPDATE EXCLUSIVE)
        // is left to it: the write neither waits for it nor fails at its lock timeout.
        PGconn* vacuum = PQconnectdb(s.server().c_str());
        PGresult* locked = PQexec(vacuum, "BEGIN; LOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE");
        CHECK(PQresultStatus(locked) == PGRES_COMMAND_OK);
        PQclear(locked);
        r = s.run({"apply", "-q", "-f", tenant("locked", 3000), "--lock-timeout", "1"});
        PQfinish(vacuum);
        CHECK(r.code == 0);
        CHECK(r.err.empty());
        CHECK(known_rows("users") == 12020);
        // An ANALYZE that fails (here statistics of an expression that divides by zero for
        // a five-character login) is given up, and the write commits all the same.
        CHECK(as_owner(s, "CREATE STATISTICS users_fail ON (1 / (length(login) - 5)), "
                          "tenant_id FROM users")
                  .empty());
        CHECK(!as_owner(s, "ANALYZE users").empty()); // as it fails
        r = s.run({"apply", "-q", "-f", tenant("failing", 3000)});
        CHECK(r.code == 0);
        CHECK(r.err.empty());
        CHECK(s.query("SELECT count(*) FROM users WHERE tenant_id = (SELECT id FROM tenants "
                      "WHERE key = 'failing')")[0][0] == "3000");
        CHECK(known_rows("users") == 12020);
    }

    TEST_CASE("a temporary table of the everyday role never changes what a trigger reads") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        // In one transaction: with the trigger reading the temporary table, the delete would
        // pass it, and only the deferred key would refuse it, at commit.
        const std::string error =
            s.sql("CREATE TEMP TABLE tenants (id bigint, default_profile_id bigint); "
                  "DELETE FROM profiles WHERE name = 'Default'");
        CHECK(error.find("the default profile of a tenant cannot be deleted") != std::string::npos);
        CHECK(s.sql("CREATE TEMP TABLE history (change bigint); "
                    "INSERT INTO public.history (change, at, actor, command, kind, key, action) "
                    "VALUES (9223372036854775807, 'x', 'a', 'x', 'tenant', 'k', 'create')")
                  .find("a change number follows one in history") != std::string::npos);
        s.ok({"tenant", "edit", "acme", "--display-name", "A"});
    }

    TEST_CASE("a newer or damaged schema is a store error, and stays untouched") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        CHECK(as_owner(s, "UPDATE chatctl_version SET version = 99").empty());
        expect_refused(s, {"tenant", "list"}, 6, "newer than this chatctl");
        expect_refused(s, {"tenant", "create", "beta"}, 6, "newer than this chatctl");
        CHECK(as_owner(s, "DELETE FROM chatctl_version").empty());
        expect_refused(s, {"tenant", "list"}, 6, "damaged");
        expect_refused(s, {"tenant", "create", "beta"}, 6, "damaged");
        CHECK(as_owner(s, "INSERT INTO chatctl_version (version) VALUES (" +
                              std::to_string(chatctl::postgres::schema::current_version()) +
                              "); ALTER TABLE users RENAME COLUMN email TO mail")
                  .empty());
        expect_refused(s, {"user", "list", "-t", "acme"}, 6, "schema chatctl expects");
        expect_refused(s, {"user", "add", "ann", "-t", "acme"}, 6, "schema chatctl expects");
    }

    TEST_CASE("a damaged version is named as the SQLite store names it, and stays untouched") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        // Set back to 1: the tables of version 2 are there.
        CHECK(as_owner(s, "UPDATE chatctl_version SET version = 1").empty());
        for (auto args : std::vector<std::vector<std::string>>{
                 {"tenant", "list"}, {"tenant", "create", "beta"}, {"store", "upgrade"}})
            expect_refused(s, args, 6,
                           "is damaged: it holds history_by_change, tenants_by_owner, "
                           "profile_users, change_reasons of a schema newer than its version (1)");
        // A version that is not a number, or past 32 bits, is shown as it is.
        CHECK(as_owner(s, "ALTER TABLE chatctl_version ALTER COLUMN version TYPE text; "
                          "UPDATE chatctl_version SET version = 'abc'")
                  .empty());
        expect_refused(s, {"tenant", "list"}, 6, "its schema version is not a whole number");
        expect_refused(s, {"tenant", "create", "beta"}, 6,
                       "its schema version is not a whole number");
        CHECK(as_owner(s, "UPDATE chatctl_version SET version = '99999999999'").empty());
        expect_refused(s, {"tenant", "list"}, 6, "schema version 99999999999, newer");
        // Another application's tables, and no chatctl_version.
        Sandbox other;
        CHECK(
            as_owner(other, "CREATE TABLE tenants (id int); CREATE TABLE users (id int)").empty());
        for (auto args : std::vector<std::vector<std::string>>{
                 {"tenant", "list"}, {"tenant", "create", "beta"}, {"store", "init"}})
            expect_refused(other, args, 6, "is not a chatctl store: it holds tenants, users");
    }

    TEST_CASE("history on a version 1 store says to upgrade it; other reads read it as it is") {
        Sandbox s;
        CHECK(as_owner(s, std::string(chatctl::postgres::schema::migrations()[0]) +
                              "INSERT INTO chatctl_version (version) VALUES (1)")
                  .empty());
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json().empty());
        Result r = s.run({"history"});
        CHECK(r.code == 6);
        CHECK(r.err.find("older than this chatctl's") != std::string::npos);
        CHECK(r.err.find("chatctl store upgrade") != std::string::npos);
        CHECK(r.err.find("restore a backup") == std::string::npos);
        s.ok({"store", "upgrade"});
        CHECK(s.ok({"history", "-o", "json"}).json().empty());
    }

    TEST_CASE("a connection lost in the middle of apply is a store error; nothing is written") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        const std::string before = s.dump();
        std::string decl = "tenants:\n  - tenant: acme\n    users:\n";
        for (int i = 0; i < 60000; ++i)
            decl += "      - login: user" + std::to_string(i) + "\n";
        const std::string file = s.write("big.yaml", decl);
        Result r;
        std::atomic<bool> finished{false};
        std::thread apply([&] {
            r = s.run({"apply", "-f", file});
            finished = true;
        });
        // (A writer's application_name is `chatctl/COMMAND|...` inside its transaction.)
        // The server ends chatctl's sessions once inside their write transaction, as an
        // administrator's pg_terminate_backend or a server shutting down would (apply that
        // writes as it reads falls back to writing after reading, on a new connection).
        int terminated = 0;
        while (!finished) {
            auto rows = s.query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE application_name LIKE 'chatctl%' AND xact_start IS NOT NULL "
                                "AND datname = current_database() AND pid <> pg_backend_pid()");
            terminated += std::stoi(rows[0][0]);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        apply.join();
        REQUIRE(terminated >= 1);
        INFO("stderr: " << r.err);
        CHECK(r.code == 6);
        CHECK(r.err.find("lost the connection") != std::string::npos);
        CHECK(r.out.empty());
        CHECK(s.dump() == before);
        s.ok({"-q", "apply", "-f", file}); // the same apply, run again, completes
        CHECK(s.run({"plan", "-f", file}).code == 0);
    }

    TEST_CASE("a server restarted in the middle of apply: all of it or none of it") {
        // A cluster of this test's own, since restarting the shared one would cut the
        // suites running beside it.
        std::string dir = "/tmp/chatctl-restart-XXXXXX";
        REQUIRE(::mkdtemp(dir.data()));
        const std::string script = std::string(CHATCTL_SOURCE_DIR) + "/tests/pg/cluster.sh";
        auto cluster = [&](const char* action) {
            return run_binary({"/bin/bash", script, action, dir},
                              {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, "");
        };
        REQUIRE(cluster("start").code == 0);
        struct Stop {
            std::function<void()> f;
            ~Stop() { f(); }
        } stop{[&] { cluster("stop"); }};
        Sandbox s;
        const std::string uri = "postgresql:///postgres?host=" + dir + "/socket&user=postgres";
        auto run = [&](std::vector<std::string> args) {
            args.insert(args.begin(), {"--db", uri});
            return s.run(args, {}, "", true);
        };
        REQUIRE(run({"tenant", "create", "acme"}).code == 0);
        const std::string before = run({"export"}).out;
        std::string decl = "tenants:\n  - tenant: acme\n    users:\n";
        for (int i = 0; i < 60000; ++i)
            decl += "      - login: user" + std::to_string(i) + "\n";
        const std::string file = s.write("big.yaml", decl);
        Result r;
        std::atomic<bool> finished{false};
        std::thread apply([&] {
            r = run({"-q", "apply", "-f", file});
            finished = true;
        });
        // Each time chatctl is inside a write transaction, the server restarts (apply that
        // writes as it reads falls back, once read, to writing on a new connection).
        int restarts = 0;
        while (!finished) {
            PGconn* watch = PQconnectdb(uri.c_str());
            PGresult* busy =
                PQexec(watch, "SELECT count(*) FROM pg_stat_activity WHERE "
                              "application_name LIKE 'chatctl%' AND xact_start IS NOT NULL");
            const bool inside = PQresultStatus(busy) == PGRES_TUPLES_OK &&
                                std::string(PQgetvalue(busy, 0, 0)) != "0";
            PQclear(busy);
            PQfinish(watch);
            if (inside) restarts += cluster("restart").code == 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        apply.join();
        INFO("apply: exit " << r.code << ", stderr: " << r.err);
        REQUIRE(restarts >= 1);
        // The write was cut: a store error and nothing written, or, when the fallback
        // after reading found the server back, the whole of it.
        const std::string after = run({"export"}).out;
        MESSAGE("apply cut by " << restarts << " restarts: exit " << r.code);
        if (r.code == 6) {
            CHECK((r.err.find("lost the connection") != std::string::npos ||
                   r.err.find("cannot reach the server") != std::string::npos || // no socket
                   r.err.find("cannot connect") != std::string::npos));          // starting up
            CHECK(after == before);
        } else {
            CHECK(r.code == 0);
            CHECK(run({"plan", "-f", file}).code == 0);
        }
        CHECK(run({"-q", "apply", "-f", file}).code == 0);
        CHECK(run({"plan", "-f", file}).code == 0);
    }

    TEST_CASE("--grant is for PostgreSQL; a file store's access is its mode") {
        Sandbox s;
        const std::string file = s.dir() + "/file.db";
        Result r = s.run({"--db", file, "store", "init", "--grant", "someone"}, {}, "", true);
        CHECK(r.code == 5);
        CHECK(r.err.find("--grant is for a PostgreSQL store") != std::string::npos);
        r = s.run({"--db", file, "store", "upgrade"}, {}, "", true);
        CHECK(r.code == 6);
        CHECK(s.run({"--db", file, "store", "init"}, {}, "", true).code == 0);
        CHECK(s.run({"--db", file, "tenant", "list"}, {}, "", true).code == 0);
    }

    TEST_CASE("a PostgreSQL store loads chatctl's module, and libpq with it") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        Result r = s.run({"tenant", "list", "-o", "json"}, {{"LD_DEBUG", "libs"}});
        CHECK(r.code == 0);
        CHECK(r.err.find("libchatctl-postgres.so") != std::string::npos);
        CHECK(r.err.find("libpq.so") != std::string::npos);
    }

} // TEST_SUITE
