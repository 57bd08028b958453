// Bulk verbs: users by the thousand in one transaction, all or none.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <map>

using namespace e2e;

namespace {

void setup(const Sandbox& s) {
    s.ok({"tenant", "create", "acme", "-q"});
    s.ok({"profile", "add", "Sales", "-t", "acme", "-q"});
    for (const char* login : {"a1", "a2", "a3"})
        s.ok({"user", "add", login, "-t", "acme", "-q"});
    for (const char* login : {"s1", "s2"})
        s.ok({"user", "add", login, "-t", "acme", "--profile", "Sales", "-q"});
}

std::vector<std::string> logins(const Sandbox& s) {
    std::vector<std::string> out;
    for (const auto& u : s.ok({"user", "list", "-t", "acme", "-o", "json"}).json())
        out.push_back(u["login"]);
    return out;
}

int64_t last_change(const Sandbox& s) {
    return s.ok({"history", "--limit", "1", "-o", "json"}).json()[0]["change"];
}

// The users the last change deleted, as its history entries recorded them (login ->
// "name|email|profile", as users_of gives them); the entries of other kinds counted.
std::map<std::string, std::string> deleted_users(const Sandbox& s, int& others) {
    std::map<std::string, std::string> out;
    others = 0;
    for (const Json& e :
         s.ok({"history", "--change", std::to_string(last_change(s)), "--all", "-o", "json"})
             .json()) {
        CHECK(e["action"] == "delete");
        CHECK(e["after"].is_null());
        if (e["kind"] != "user") {
            ++others;
            continue;
        }
        const Json& u = e["before"];
        auto text = [&](const char* k) { return u[k].is_null() ? "-" : u[k].get<std::string>(); };
        CHECK(out.emplace(text("login"), text("name") + "|" + text("email") + "|" + text("profile"))
                  .second);
    }
    return out;
}

// On PostgreSQL, the statements that delete users and those that write history, counted
// by statement triggers of the test's own: committed with what they count, or not at all.
void count_statements(const Sandbox& s) {
    s.query("CREATE TABLE statements (tbl text PRIMARY KEY, n bigint NOT NULL);"
            "INSERT INTO statements VALUES ('users', 0), ('history', 0);"
            "CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE statements SET n = n + 1 WHERE tbl = TG_TABLE_NAME; RETURN NULL; END $$;"
            "CREATE TRIGGER users_deletes AFTER DELETE ON users "
            "FOR EACH STATEMENT EXECUTE FUNCTION count_statement();"
            "CREATE TRIGGER history_inserts AFTER INSERT ON history "
            "FOR EACH STATEMENT EXECUTE FUNCTION count_statement();");
}

int64_t statements(const Sandbox& s, const std::string& table) {
    return std::stoll(s.query("SELECT n FROM statements WHERE tbl = '" + table + "'")[0][0]);
}

} // namespace

TEST_SUITE("bulk") {

    TEST_CASE("user delete --from-profile and --all delete in one change") {
        Sandbox s;
        setup(s);
        expect_refused(s, {"user", "delete", "--from-profile", "Salse", "-t", "acme"}, 3, "Salse");
        s.ok({"user", "delete", "--from-profile", "sales", "-t", "acme"});
        CHECK(logins(s) == std::vector<std::string>{"a1", "a2", "a3"});
        int64_t change = last_change(s);
        CHECK(s.ok({"history", "--change", std::to_string(change), "-o", "json"}).json().size() ==
              2);
        s.ok({"user", "delete", "--all", "-t", "acme"});
        CHECK(logins(s).empty());
        CHECK(
            s.ok({"history", "--change", std::to_string(change + 1), "-o", "json"}).json().size() ==
            3);
        CHECK(s.ok({"user", "delete", "--all", "-t", "acme"}).out == "No changes.\n");
        CHECK(last_change(s) == change + 1); // nothing to delete: nothing recorded
    }

    TEST_CASE("exactly one way of naming users") {
        Sandbox s;
        setup(s);
        expect_refused(s, {"user", "delete", "-t", "acme"}, 64, "give exactly one of");
        expect_refused(s, {"user", "delete", "a1", "--all", "-t", "acme"}, 64, "exactly one");
        expect_refused(s, {"user", "delete", "--all", "--from-profile", "Sales", "-t", "acme"}, 64,
                       "exactly one");
        expect_refused(
            s, {"user", "assign", "a1", "--logins-from", "-", "--profile", "Sales", "-t", "acme"},
            64, "exactly one");
        expect_refused(s, {"user", "delete", "--all"}, 64, "--tenant is required");
    }

    TEST_CASE("--ignore-not-found skips unknown logins; without it, one unknown refuses all") {
        Sandbox s;
        setup(s);
        expect_refused(s, {"user", "delete", "a1", "ghost", "-t", "acme"}, 3, "ghost");
        s.ok({"user", "delete", "a1", "ghost", "A2", "-t", "acme", "--ignore-not-found"});
        CHECK(logins(s) == std::vector<std::string>{"a3", "s1", "s2"});
        CHECK(s.ok({"user", "delete", "ghost", "-t", "acme", "--ignore-not-found"}).out ==
              "No changes.\n");
    }

    TEST_CASE("--logins-from reads one login per line, from a file or standard input") {
        Sandbox s;
        setup(s);
        std::string file = s.write("l.txt", "a1\r\n\n  a2  \ns1\n");
        s.ok({"user", "assign", "--logins-from", file, "--profile", "Sales", "-t", "acme"});
        Json sales =
            s.ok({"user", "list", "-t", "acme", "--profile", "Sales", "-o", "json"}).json();
        CHECK(sales.size() == 4);
        Result r = s.run({"user", "delete", "--logins-from", "-", "-t", "acme"}, {}, "a3\ns2");
        CHECK(r.code == 0);
        CHECK(logins(s) == std::vector<std::string>{"a1", "a2", "s1"});
        // Every bad line at its place; nothing done.
        expect_refused(s,
                       {"user", "delete", "--logins-from",
                        s.write("bad.txt", "a1\nbad login\n\n  x/y\n"), "-t", "acme"},
                       5, "bad.txt:2:1: error: login");
        Result both =
            s.run({"user", "delete", "--logins-from", s.dir() + "/bad.txt", "-t", "acme"});
        CHECK(both.err.find("bad.txt:4:3: error: login") != std::string::npos);
        CHECK(both.err.find("2 errors; nothing was written") != std::string::npos);
        expect_refused(s, {"user", "delete", "--logins-from", s.dir() + "/none.txt", "-t", "acme"},
                       5, "cannot read");
        expect_refused(
            s, {"user", "delete", "--logins-from", s.write("u.txt", "a1\nghost\n"), "-t", "acme"},
            3, "ghost");
    }

    TEST_CASE("deleting thousands of users records each as it was, a batch to a statement") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "-q"});
        s.ok({"profile", "add", "Sales", "-t", "acme", "-q"});
        const int n = 2500; // more than two of the engine's batches (1,024 users)
        std::string csv = "login,name,email,profile\n";
        for (int i = 0; i < n; ++i) {
            std::string id = std::to_string(i);
            csv += "u" + id + "," + (i % 5 ? "User " + id : "") + "," +
                   (i % 3 ? "u" + id + "@example.com" : "") + "," + (i % 2 ? "Sales" : "") + "\n";
        }
        REQUIRE(s.run({"user", "import", "-t", "acme", "-q", "-"}, {}, csv).code == 0);
        const auto users = users_of(s, "acme");
        REQUIRE(users.size() == n);
        if (on_postgres()) count_statements(s);
        int others = 0;

        s.ok({"user", "delete", "--all", "-t", "acme", "-q"});
        CHECK(users_of(s, "acme").empty());
        CHECK(deleted_users(s, others) == users);
        CHECK(others == 0);
        if (on_postgres()) { // one per batch, where one per user would be thousands
            CHECK(statements(s, "users") == 3);
            CHECK(statements(s, "history") == 1);
        }
        s.ok({"revert", "last", "-q"});
        CHECK(users_of(s, "acme") == users);

        if (on_postgres()) s.query("UPDATE statements SET n = 0");
        s.ok({"tenant", "delete", "acme", "--force", "-q"});
        CHECK(deleted_users(s, others) == users);
        CHECK(others == 3);  // its two profiles and itself
        if (on_postgres()) { // and the tenant's own statement, which finds none left
            CHECK(statements(s, "users") == 4);
            CHECK(statements(s, "history") == 1);
        }
        s.ok({"revert", "last", "-q"});
        CHECK(users_of(s, "acme") == users);
    }

    TEST_CASE("50,000 logins are one transaction, one change") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "-q"});
        s.ok({"profile", "add", "Sales", "-t", "acme", "-q"});
        std::string csv = "login\n", list;
        const int n = sanitized() ? 10000 : 50000; // the sanitizers are several times slower
        for (int i = 0; i < n; ++i) {
            csv += "u" + std::to_string(i) + "\n";
            list += "u" + std::to_string(i) + "\n";
        }
        CHECK(s.run({"user", "import", "-t", "acme", "-q", "-"}, {}, csv).code == 0);
        CHECK(s.run({"user", "assign", "--logins-from", "-", "--profile", "Sales", "-t", "acme",
                     "-q"},
                    {}, list)
                  .code == 0);
        Json sales = s.ok({"profile", "show", "Sales", "-t", "acme", "-o", "json"}).json();
        CHECK(sales["users"] == n);
        int64_t change = last_change(s);
        CHECK(
            s.ok({"history", "--change", std::to_string(change), "--limit", "60000", "-o", "json"})
                .json()
                .size() == static_cast<size_t>(n));
        CHECK(s.run({"user", "delete", "--logins-from", "-", "-t", "acme", "-q"}, {}, list).code ==
              0);
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["users"] == 0);
    }

} // TEST_SUITE
