// chatctl history: every committed change, who, which command, before and after.
#include "harness.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <pwd.h>
#include <set>
#include <unistd.h>

using namespace e2e;

TEST_SUITE("history") {

    TEST_CASE("each committed change is recorded with its before and after, newest first") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "--actor", "ci-bot"});
        s.ok({"profile", "edit", "Default", "-t", "acme", "--wrap-up", "90"});
        Json h = s.ok({"history", "-o", "json"}).json();
        REQUIRE(h.size() == 3);
        const Json& edit = h[0];
        CHECK(edit["command"] == "profile edit");
        CHECK(edit["actor"] == "tester"); // CHATCTL_ACTOR, set by the harness
        CHECK(edit["kind"] == "profile");
        CHECK(edit["tenant"] == "acme");
        CHECK(edit["key"] == "Default");
        CHECK(edit["action"] == "update");
        CHECK(edit["before"]["wrap_up_seconds"] == 60);
        CHECK(edit["after"]["wrap_up_seconds"] == 90);
        CHECK(edit["after"].count("users") == 0);
        std::string at = edit["at"];
        CHECK(at.size() == 24); // 2026-11-26T12:00:00.123Z
        CHECK(at.back() == 'Z');
        CHECK(h[2]["kind"] == "tenant");
        CHECK(h[2]["actor"] == "ci-bot");
        CHECK(h[2]["before"].is_null());
        CHECK(h[2]["after"]["tenant"] == "acme");
        CHECK(h[0]["id"].get<int>() > h[1]["id"].get<int>());
    }

    TEST_CASE("the actor falls back to the login name") {
        Sandbox s;
        Result r = s.run({"tenant", "create", "acme"}, {{"CHATCTL_ACTOR", kUnset}});
        REQUIRE(r.code == 0);
        const passwd* pw = ::getpwuid(::geteuid());
        REQUIRE(pw != nullptr);
        CHECK(s.ok({"history", "-o", "json"}).json()[0]["actor"] == pw->pw_name);
    }

    TEST_CASE("a failed or empty command records nothing") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.run({"profile", "delete", "Default", "-t", "acme"});
        s.run({"user", "delete", "ghost", "-t", "acme"});
        s.ok({"profile", "set-default", "Default", "-t", "acme"});
        CHECK(s.ok({"history", "-o", "json"}).json().size() == 2);
    }

    TEST_CASE("deleting a profile with --reassign-to records each user's move and the delete") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "add", "Old", "-t", "acme"});
        s.ok({"user", "add", "u", "-t", "acme", "--profile", "Old"});
        s.ok({"profile", "delete", "Old", "-t", "acme", "--reassign-to", "Default"});
        Json h = s.ok({"history", "--limit", "2", "-o", "json"}).json();
        REQUIRE(h.size() == 2);
        CHECK(h[0]["action"] == "delete");
        CHECK(h[0]["after"].is_null());
        CHECK(h[1]["kind"] == "user");
        CHECK(h[1]["before"]["profile"] == "Old");
        CHECK(h[1]["after"]["profile"] == "Default");
    }

    TEST_CASE("-t filters, --limit keeps the newest, --limit below 1 is invalid input") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"tenant", "create", "beta"});
        Json beta = s.ok({"history", "-t", "beta", "-o", "json"}).json();
        CHECK(beta.size() == 2);
        for (const auto& e : beta)
            CHECK(e["tenant"] == "beta");
        // CHATCTL_TENANT does not filter history.
        CHECK(s.run({"history", "-o", "json"}, {{"CHATCTL_TENANT", "beta"}}).json().size() == 4);
        Json one = s.ok({"history", "--limit", "1", "-o", "json"}).json();
        REQUIRE(one.size() == 1);
        CHECK(one[0]["tenant"] == "beta");
        expect_refused(s, {"history", "--limit", "0"}, 5, "--limit");
        expect_refused(s, {"history", "--limit", "x"}, 5, "--limit");
        expect_refused(s, {"history", "-t", "BETA"}, 5);
    }

    TEST_CASE("without --limit, history keeps the 50 newest") {
        Sandbox s;
        for (int i = 0; i < 26; ++i)
            s.ok({"tenant", "create", "t" + std::to_string(i), "-q"}); // 52 entries
        Json h = s.ok({"history", "-o", "json"}).json();
        REQUIRE(h.size() == 50);
        CHECK(h[0]["tenant"] == "t25");
        CHECK(s.ok({"history", "--limit", "60", "-o", "json"}).json().size() == 52);
    }

    TEST_CASE("history says when more entries match than it shows; --all shows every one") {
        Sandbox s;
        s.ok({"-q", "tenant", "create", "acme"}); // change 1: the tenant and its profile
        std::string csv = "login\n";
        for (int u = 0; u < 1234; ++u)
            csv += "agent" + std::to_string(10000 + u) + "\n";
        REQUIRE(s.run({"-q", "user", "import", "-t", "acme", "-"}, {}, csv).code == 0);

        Result r = s.ok({"history", "--change", "2", "-o", "json"});
        CHECK(r.json().size() == 50);
        CHECK(r.err.find("50 of 1234 matching entries shown") != std::string::npos);
        CHECK(r.err.find("--all") != std::string::npos);
        CHECK(r.err.find("--limit 1234") != std::string::npos);

        r = s.ok({"history", "--change", "2", "--all", "-o", "json"}); // past one page
        Json all = r.json();
        REQUIRE(all.size() == 1234);
        CHECK(r.err.empty());
        std::set<int64_t> ids;
        for (size_t i = 0; i < all.size(); ++i) {
            ids.insert(all[i]["id"].get<int64_t>());
            if (i > 0) CHECK(all[i]["id"] < all[i - 1]["id"]); // newest first, throughout
        }
        CHECK(ids.size() == all.size());
        CHECK(s.ok({"history", "--all", "-o", "csv"}).out ==
              s.ok({"history", "--limit", "1236", "-o", "csv"}).out);

        r = s.ok({"history", "--all"}); // a table in blocks, its header once
        CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1 + 1236);
        CHECK(r.out.rfind("ID ", 0) == 0);
        CHECK(r.out.find("\nID ") == std::string::npos);

        CHECK(s.ok({"history", "--limit", "1236", "-o", "json"}).err.empty()); // all shown
        r = s.ok({"-q", "history", "-t", "acme", "-o", "json"});               // -q: only the data
        CHECK(r.json().size() == 50);
        CHECK(r.err.empty());
        CHECK(s.run({"history", "--limit", "0"}).code == 5);
        CHECK(s.run({"history", "--all", "--limit", "5"}).code == 64);
    }
} // TEST_SUITE
