// PostgreSQL's large writes: users and history sent by COPY a batch at a time, each batch
// of users in a savepoint, without waiting for the server's answer (read before the next
// statement). Whichever statement reads a refusal, the refused row is the one named, the
// whole write is refused, and nothing of it stays; a dry run waits for its last batch.
#include "harness.hpp"
#include "pg_helpers.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>
#include <utility>
#include <vector>

using namespace e2e;

namespace {

constexpr int kUsers = 5000; // batches of 1,024 users; history's first batch at 4,096 entries

// The logins in the order they are written: their order as text.
std::vector<std::string> written() {
    std::vector<std::string> logins;
    for (int i = 0; i < kUsers; ++i)
        logins.push_back("u" + std::to_string(i));
    std::sort(logins.begin(), logins.end());
    return logins;
}

// Declared in that order, the users are written as they are read (apply's streamed
// path); in the order of their numbers, once the whole declaration is read.
std::string many_users(Sandbox& s, bool streamed) {
    const std::vector<std::string> in_order = written();
    std::string decl = "tenants:\n  - tenant: acme\n    users:\n";
    for (int i = 0; i < kUsers; ++i)
        decl += "      - login: " + (streamed ? in_order[i] : "u" + std::to_string(i)) + "\n";
    return s.write(streamed ? "streamed.yaml" : "many.yaml", decl);
}

} // namespace

TEST_SUITE("postgres") {
    // The 1,501st user written is refused as the SAVEPOINT of the batch after its own
    // reads it; the 3,501st, by history's first statement (the ids of its 4,096 entries);
    // the 4,901st, in the last batch, at the end.
    TEST_CASE("a user refused in any batch fails the apply, which writes nothing") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        for (const auto& [at, streamed] : std::vector<std::pair<size_t, bool>>{
                 {1500, false}, {3500, false}, {4900, false}, {1500, true}, {3500, true}}) {
            CAPTURE(streamed);
            const std::string file = many_users(s, streamed);
            const std::string login = written()[at];
            CAPTURE(login);
            const std::string check = "not_" + login;
            CHECK(as_owner(s, "ALTER TABLE users ADD CONSTRAINT " + check + " CHECK (login <> '" +
                                  login + "')")
                      .empty());
            const std::string before = s.dump();
            Result r = s.run({"apply", "-q", "-f", file});
            CHECK(r.code == 4);
            CHECK(r.err.find(check) != std::string::npos);
            CHECK(s.dump() == before);
            // A dry run that writes (and rolls back) is refused as the write is: its last
            // batch is waited for too. (`apply --dry-run` plans, and writes nothing.)
            r = s.run({"user", "add", "-t", "acme", login, "--dry-run"});
            CHECK(r.code == 4);
            CHECK(r.err.find(check) != std::string::npos);
            CHECK(as_owner(s, "ALTER TABLE users DROP CONSTRAINT " + check).empty());
        }
        s.ok({"apply", "-q", "-f", many_users(s, true)});
        CHECK(s.query("SELECT count(*) FROM users")[0][0] == std::to_string(kUsers));
        CHECK(s.query("SELECT sum(users) FROM profile_users")[0][0] == std::to_string(kUsers));
        CHECK(s.query("SELECT sum(entries) FROM history WHERE kind = 'user'")[0][0] ==
              std::to_string(kUsers));
    }

    // A login the store holds already, which the plan could not know of (added by a trigger
    // when the first batch is written), is named as existing whichever batch it is in.
    TEST_CASE("a user that exists already is named, whichever batch reads the refusal") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        for (const auto& [at, streamed] :
             std::vector<std::pair<size_t, bool>>{{1500, false}, {4900, false}, {1500, true}}) {
            CAPTURE(streamed);
            const std::string file = many_users(s, streamed);
            const std::string login = written()[at];
            CAPTURE(login);
            CHECK(as_owner(s, "CREATE OR REPLACE FUNCTION sneak() RETURNS trigger LANGUAGE "
                              "plpgsql AS $$ BEGIN INSERT INTO users (tenant_id, login, "
                              "profile_id) SELECT tenant_id, '" +
                                  login +
                                  "', profile_id FROM added WHERE NOT EXISTS (SELECT 1 FROM "
                                  "users WHERE login = '" +
                                  login +
                                  "') LIMIT 1; RETURN NULL; END $$; "
                                  "CREATE TRIGGER sneak AFTER INSERT ON users REFERENCING NEW "
                                  "TABLE AS added FOR EACH STATEMENT WHEN (pg_trigger_depth() = "
                                  "0) EXECUTE FUNCTION sneak()")
                      .empty());
            const std::string before = s.dump();
            Result r = s.run({"apply", "-q", "-f", file});
            CHECK(r.code == 4);
            CHECK(r.err.find("user \"" + login + "\" already exists in tenant acme") !=
                  std::string::npos);
            CHECK(s.dump() == before);
            CHECK(as_owner(s, "DROP TRIGGER sneak ON users").empty());
        }
    }

    // History is sent the same way: a row refused is read by the next statement, and the
    // whole write is refused with it.
    TEST_CASE("history refused after its COPY was sent fails the write, which writes nothing") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        const std::string file = many_users(s, true);
        CHECK(as_owner(s, "ALTER TABLE history ADD CONSTRAINT no_u4000 CHECK (strpos(key, "
                          "'u4000') = 0)")
                  .empty());
        const std::string before = s.dump();
        Result r = s.run({"apply", "-q", "-f", file});
        CHECK(r.code == 4);
        CHECK(r.err.find("no_u4000") != std::string::npos);
        CHECK(s.dump() == before);
    }
}
