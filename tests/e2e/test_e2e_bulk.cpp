// Bulk verbs: users by the thousand in one transaction, all or none.
#include "harness.hpp"

#include <doctest/doctest.h>

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
