// The store guards R2, R3, R6, R9 (and R7, the bounds) itself: raw SQL that would break
// them fails, on a connection with foreign keys on, and changes nothing.
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

void setup(const Sandbox& s) {
    s.ok({"tenant", "create", "acme"});
    s.ok({"profile", "add", "Experts", "-t", "acme"});
    s.ok({"user", "add", "alice", "-t", "acme", "--profile", "Experts"});
    s.ok({"tenant", "create", "beta"});
}

const char* const kAcme = "(SELECT id FROM tenants WHERE key = 'acme')";
const char* const kBeta = "(SELECT id FROM tenants WHERE key = 'beta')";
const char* const kBetaDefault = "(SELECT default_profile_id FROM tenants WHERE key = 'beta')";

// On PostgreSQL, the count of each profile's users is what users holds; the everyday
// role cannot change it (SQLite has no such count).
bool counts_hold(const Sandbox& s) {
    if (!on_postgres()) return true;
    const std::string before = s.dump();
    const bool untouchable = !s.sql("UPDATE profile_users SET users = users + 1").empty() &&
                             !s.sql("DELETE FROM profile_users").empty() &&
                             !s.sql("TRUNCATE profile_users").empty() && s.dump() == before;
    return untouchable &&
           s.query("SELECT count(*) FROM profile_users c FULL JOIN (SELECT tenant_id, "
                   "profile_id, count(*) AS n FROM users GROUP BY 1, 2) u USING (tenant_id, "
                   "profile_id) WHERE c.users IS DISTINCT FROM u.n")[0][0] == "0";
}

void refused(const Sandbox& s, const std::string& statement) {
    std::string before = s.dump();
    CAPTURE(statement);
    CHECK(!s.sql(statement).empty());
    CHECK(s.dump() == before);
}

} // namespace

TEST_SUITE("rawsql") {

    TEST_CASE("R2: no tenant without a default, none with another tenant's profile as default") {
        Sandbox s;
        setup(s);
        refused(s, "UPDATE tenants SET default_profile_id = NULL WHERE key = 'acme'");
        refused(s, "INSERT INTO tenants (key) VALUES ('ghost')");
        refused(s, "INSERT INTO tenants (key, default_profile_id) VALUES ('ghost', 999)");
        refused(s, std::string("UPDATE tenants SET default_profile_id = ") + kBetaDefault +
                       " WHERE key = 'acme'");
        refused(s, "UPDATE tenants SET default_profile_id = 999 WHERE key = 'acme'");
        refused(s, "UPDATE tenants SET id = 77 WHERE key = 'acme'");
    }

    TEST_CASE("R3: the default profile cannot be deleted") {
        Sandbox s;
        setup(s);
        refused(s, std::string("DELETE FROM profiles WHERE id = ") + kBetaDefault);
        refused(s, std::string("DELETE FROM profiles WHERE tenant_id = ") + kBeta);
    }

    TEST_CASE("R6: a user's profile is of the user's own tenant") {
        Sandbox s;
        setup(s);
        refused(s, std::string("UPDATE users SET profile_id = ") + kBetaDefault);
        refused(s, std::string("INSERT INTO users (tenant_id, login, profile_id) VALUES (") +
                       kAcme + ", 'eve', " + kBetaDefault + ")");
        refused(s, std::string("UPDATE users SET tenant_id = ") + kBeta);
        refused(s, std::string("UPDATE profiles SET tenant_id = ") + kBeta +
                       " WHERE name = 'Experts'");
        refused(s, std::string("INSERT INTO users (tenant_id, login, profile_id) VALUES (") +
                       kAcme + ", 'eve', 999)");
    }

    TEST_CASE("R7: a profile with users cannot be deleted") {
        Sandbox s;
        setup(s);
        refused(s, "DELETE FROM profiles WHERE name = 'Experts'");
    }

    // On PostgreSQL, R6 and R7 are kept by the count of each profile's users
    // (profile_users), which every statement on users moves: moves, deletions and
    // a tenant's deletion keep it true.
    TEST_CASE("R7 follows the users: a profile they left may go, one they moved to may not") {
        Sandbox s;
        setup(s);
        const std::string acme_default = "(SELECT default_profile_id FROM tenants WHERE key = "
                                         "'acme')";
        CHECK(s.sql("UPDATE users SET profile_id = " + acme_default).empty());
        CHECK(counts_hold(s));
        CHECK(s.sql("DELETE FROM profiles WHERE name = 'Experts'").empty());
        CHECK(s.sql(std::string("INSERT INTO profiles (tenant_id, name) VALUES (") + kAcme +
                    ", 'Night')")
                  .empty());
        CHECK(s.sql("UPDATE users SET profile_id = (SELECT id FROM profiles WHERE name = "
                    "'Night')")
                  .empty());
        refused(s, "DELETE FROM profiles WHERE name = 'Night'");
        refused(s, std::string("UPDATE users SET profile_id = ") + kBetaDefault);
        CHECK(s.sql(std::string("INSERT INTO users (tenant_id, login, profile_id) SELECT ") +
                    kAcme + ", 'bob', id FROM profiles WHERE name = 'Night'")
                  .empty());
        CHECK(s.sql("DELETE FROM users WHERE login = 'alice'").empty());
        refused(s, "DELETE FROM profiles WHERE name = 'Night'");
        CHECK(counts_hold(s));
        CHECK(s.sql("DELETE FROM users").empty());
        CHECK(s.sql("DELETE FROM profiles WHERE name = 'Night'").empty());
        CHECK(counts_hold(s));
    }

    TEST_CASE("a tenant deleted by raw SQL takes its users with it") {
        Sandbox s;
        setup(s);
        s.ok({"user", "add", "bob", "-t", "beta"});
        CHECK(s.sql("DELETE FROM tenants WHERE key = 'acme'").empty());
        CHECK(s.query("SELECT login FROM users") == std::vector<std::vector<std::string>>{{"bob"}});
        CHECK(counts_hold(s));
        s.ok({"tenant", "create", "acme"});
        s.ok({"user", "add", "alice", "-t", "acme"});
        CHECK(s.ok({"user", "list", "-t", "acme", "-o", "json"}).json().size() == 1);
        CHECK(counts_hold(s));
    }

    TEST_CASE("R9: case-variant duplicates of keys, names and logins") {
        Sandbox s;
        setup(s);
        refused(s, std::string("INSERT INTO profiles (tenant_id, name) VALUES (") + kAcme +
                       ", 'EXPERTS')");
        refused(
            s, std::string(
                   "UPDATE profiles SET name = 'experts' WHERE name = 'Default' AND tenant_id = ") +
                   kAcme);
        refused(s, std::string("INSERT INTO users (tenant_id, login, profile_id) SELECT tenant_id, "
                               "'ALICE', profile_id FROM users WHERE login = 'alice'"));
        refused(s, "UPDATE tenants SET key = 'ACME' WHERE key = 'acme'");
        refused(s, "UPDATE tenants SET key = 'beta' WHERE key = 'acme'");
    }

    TEST_CASE("the bounds are checks of the store too") {
        Sandbox s;
        setup(s);
        refused(s, "UPDATE profiles SET max_concurrent_chats = 26");
        refused(s, "UPDATE profiles SET max_concurrent_chats = 0");
        refused(s, "UPDATE profiles SET max_concurrent_chats = 'many'");
        refused(s, "UPDATE profiles SET wrap_up_seconds = 3601");
        refused(s, "UPDATE profiles SET wrap_up_seconds = -1");
        refused(s, "UPDATE profiles SET name = ' padded'");
        refused(s, "UPDATE users SET login = 'has space'");
        refused(s, "UPDATE tenants SET key = '-bad'");
    }

    TEST_CASE("a history entry's change number is positive and follows one in history") {
        Sandbox s;
        setup(s);
        const std::string columns = "INSERT INTO history (at, actor, command, tenant, kind, key, "
                                    "action, before, after";
        const std::string values = "'2026-01-01T00:00:00.000Z', 'sql', 'x', 'acme', 'tenant', "
                                   "'acme', 'update', NULL, NULL";
        const std::string next = s.query("SELECT max(change) + 1 FROM history")[0][0];
        for (const std::string& change :
             std::vector<std::string>{"", "0", "NULL", "9223372036854775807", next + " + 1"})
            refused(s, columns + (change.empty()
                                      ? ") VALUES (" + values + ")"
                                      : ", change) VALUES (" + values + ", " + change + ")"));
        refused(s, "UPDATE history SET change = NULL");
        refused(s, "UPDATE history SET change = 9223372036854775807 WHERE change = 1");
        CHECK(s.sql(columns + ", change) VALUES (" + values + ", " + next + ")").empty());
        Json h = s.ok({"history", "--change", next, "-o", "json"}).json();
        REQUIRE(h.size() == 1);
        CHECK(h[0]["actor"] == "sql");
        // Nothing the rules let in stops a later write.
        s.ok({"tenant", "create", "gamma"});
        h = s.ok({"history", "--kind", "tenant", "--limit", "1", "-o", "json"}).json();
        CHECK(h[0]["key"] == "gamma");
        CHECK(h[0]["change"] == std::stoll(next) + 1);
    }

    TEST_CASE("a reason is for a change history holds, one line of 1-500 characters") {
        Sandbox s;
        setup(s);
        s.ok({"tenant", "edit", "acme", "--display-name", "A", "-m", "why"});
        const std::string last = s.query("SELECT max(change) FROM history")[0][0];
        const std::string next = std::to_string(std::stoll(last) + 1);
        const char* chr = on_postgres() ? "chr(" : "char(";
        const std::string insert = "INSERT INTO change_reasons (change, reason) VALUES (";
        // A number no change has yet would refuse the change that gets it.
        refused(s, insert + next + ", 'later')");
        refused(s, insert + "1, '')");
        refused(s, insert + "1, 'a' || " + chr + "10) || 'b')");
        refused(s, insert + "1, 'a' || " + chr + "155) || 'b')");
        refused(s, insert + "1, NULL)");
        refused(s, insert + "1, '" + std::string(501, 'x') + "')");
        refused(s, insert + last + ", 'twice')");
        if (!on_postgres()) refused(s, insert + "1, 'a' || char(0) || 'b')");
        // The everyday role may not rewrite why a change was made.
        if (on_postgres()) refused(s, "UPDATE change_reasons SET reason = 'other'");
        CHECK(s.sql(insert + "1, 'found later')").empty());
        Json changes = s.ok({"history", "--changes", "--all", "-o", "json"}).json();
        CHECK(changes.back()["reason"] == "found later");
        CHECK(changes.front()["reason"] == "why");
        // Nothing the rules let in stops a later write, with its reason.
        s.ok({"tenant", "create", "gamma", "-m", "next"});
        CHECK(s.ok({"history", "--changes", "--limit", "1", "-o", "json"}).json()[0]["reason"] ==
              "next");
        // On SQLite, any connection may delete history: a reason left behind for the next
        // number is replaced by that change's own.
        if (!on_postgres()) {
            const std::string newest = s.query("SELECT max(change) FROM history")[0][0];
            CHECK(s.sql("DELETE FROM history WHERE change = " + newest).empty());
            CHECK(s.query("SELECT reason FROM change_reasons WHERE change = " + newest)[0][0] ==
                  "next");
            s.ok({"tenant", "create", "delta", "-m", "after the gap"});
            CHECK(
                s.ok({"history", "--changes", "--limit", "1", "-o", "json"}).json()[0]["reason"] ==
                "after the gap");
        }
    }

    TEST_CASE("no text takes a control character, whoever writes it") {
        Sandbox s;
        setup(s);
        s.ok({"user", "edit", "alice", "-t", "acme", "--name", "Alice", "--email", "a@x"});
        const char* chr = on_postgres() ? "chr(" : "char(";
        auto text = [&](int code) {
            return std::string("'a' || ") + chr + std::to_string(code) + ") || '@b'";
        };
        const std::string esc = text(27);
        for (const char* column : {"display_name"})
            refused(s, std::string("UPDATE tenants SET ") + column + " = " + esc);
        for (const char* column : {"name", "description"})
            refused(s, std::string("UPDATE profiles SET ") + column + " = " + esc);
        for (const char* column : {"name", "email"})
            refused(s, std::string("UPDATE users SET ") + column + " = " + esc);
        refused(s, std::string("INSERT INTO profiles (tenant_id, name) VALUES (") + kAcme + ", " +
                       esc + ")");
        refused(s, "INSERT INTO users (tenant_id, login, name, profile_id) SELECT tenant_id, "
                   "'eve', " +
                       esc + ", profile_id FROM users WHERE login = 'alice'");
        const std::vector<std::string> history = {"at",  "actor",  "command", "tenant", "kind",
                                                  "key", "action", "before",  "after"};
        for (const auto& column : history) {
            std::string values;
            for (const auto& c : history)
                values += ", " + (c == column ? esc : c);
            refused(
                s, "INSERT INTO history (change, " +
                       [&] {
                           std::string names;
                           for (const auto& c : history)
                               names += (names.empty() ? "" : ", ") + c;
                           return names;
                       }() +
                       ") SELECT change" + values + " FROM history WHERE change = 1 LIMIT 1");
        }
        // Every class at its bounds: C0, DEL, C1; their neighbours are text.
        for (int code : {1, 9, 10, 13, 31, 127, 0x80, 0x85, 0x9b, 0x9f}) {
            CAPTURE(code);
            refused(s, "UPDATE users SET name = " + text(code));
        }
        for (int code : {0x20, 0x7e, 0xa0, 0x2028}) {
            CAPTURE(code);
            CHECK(s.sql("UPDATE users SET name = " + text(code)).empty());
        }
    }

    // A write of thousands of users runs without the per-row triggers of users and history
    // (SqliteStore::lift_row_guards): they are back, as they were, after each kind of it.
    TEST_CASE("after writes of thousands of users, every guard is back as it was") {
        Sandbox s;
        setup(s);
        const std::string schema =
            on_postgres() ? "SELECT tgname, tgenabled FROM pg_trigger ORDER BY tgname"
                          : "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                            "ORDER BY name";
        const auto triggers = s.query(schema);
        CHECK(triggers.size() > 10);
        auto declaration = [](const std::string& name) {
            std::string out = "tenants:\n  - tenant: acme\n    users:\n      - login: alice\n"
                              "        profile: Experts\n";
            for (int i = 0; i < 2500; ++i)
                out += "      - login: u" + std::to_string(i) + "\n" +
                       (i % 2 ? "        name: " + name + "\n" : "");
            return out;
        };
        const std::string file = s.write("many.yaml", declaration("U"));
        auto guards_hold = [&](const char* after) {
            CAPTURE(after);
            CHECK(s.query(schema) == triggers);
            CHECK(counts_hold(s));
            refused(s, "INSERT INTO users (tenant_id, login, name, profile_id) SELECT tenant_id, "
                       "'eve', 'a' || " +
                           std::string(on_postgres() ? "chr(" : "char(") +
                           "27), profile_id FROM users WHERE login = 'alice'");
            if (!on_postgres())
                refused(s, "INSERT OR REPLACE INTO users (tenant_id, login, profile_id) SELECT "
                           "tenant_id, 'ALICE', profile_id FROM users");
        };
        s.ok({"apply", "-q", "--dry-run", "-f", file});
        guards_hold("a dry run");
        s.ok({"apply", "-q", "-f", file});
        guards_hold("an apply");
        const std::string created = s.query("SELECT max(change) FROM history")[0][0];
        CHECK(s.query("SELECT count(*) FROM users")[0][0] == "2501");
        s.ok({"apply", "-q", "-f", s.write("renamed.yaml", declaration("V"))});
        guards_hold("an update");
        s.ok({"revert", "last"});
        s.ok({"revert", created});
        guards_hold("a revert");
        CHECK(s.query("SELECT count(*) FROM users")[0][0] == "1");
    }

    TEST_CASE("what the rules allow, raw SQL may do, and chatctl reads it back") {
        Sandbox s;
        setup(s);
        CHECK(s.sql(std::string("UPDATE tenants SET default_profile_id = (SELECT id FROM profiles "
                                "WHERE name = 'Experts') WHERE key = 'acme'"))
                  .empty());
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["default_profile"] ==
              "Experts");
    }

} // TEST_SUITE
