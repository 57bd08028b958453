// Why a change was made (`--reason`, `-m`), recorded with it and shown by history; and who
// made it when nobody says: $CHATCTL_ACTOR, else the user a CI names, else the login name.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <pwd.h>
#include <unistd.h>

using namespace e2e;

namespace {

// The newest change as `history --changes -o json` shows it.
Json newest_change(const Sandbox& s) {
    Json changes = s.ok({"history", "--changes", "--limit", "1", "-o", "json"}).json();
    REQUIRE(changes.size() == 1);
    return changes[0];
}

} // namespace

TEST_SUITE("history") {

    TEST_CASE("every write takes --reason (-m): recorded with its change, shown by history") {
        Sandbox s;
        s.ok({"tenant", "create", "beta"});
        const std::string csv = s.write("agents.csv", "login,name\nbob,Bob\n");
        const std::string decl = s.write("acme.yaml", "version: 1\ntenants:\n  - tenant: acme\n"
                                                      "    profiles:\n      - name: Night\n");
        const std::vector<std::vector<std::string>> writes = {
            {"tenant", "create", "acme"},
            {"tenant", "edit", "acme", "--display-name", "Acme"},
            {"profile", "add", "Experts", "-t", "acme"},
            {"profile", "edit", "Experts", "-t", "acme", "--max-chats", "4"},
            {"profile", "set-default", "Experts", "-t", "acme"},
            {"user", "add", "alice", "-t", "acme", "--profile", "Default"},
            {"user", "edit", "alice", "-t", "acme", "--name", "Alice"},
            {"user", "assign", "alice", "-t", "acme", "--profile", "Experts"},
            {"user", "import", "-t", "acme", csv},
            {"user", "delete", "bob", "-t", "acme"},
            {"profile", "delete", "Default", "-t", "acme"},
            {"apply", "-f", decl},
            {"revert", "last"},
            {"tenant", "delete", "beta", "--force"}};
        int64_t last = newest_change(s)["change"];
        for (size_t i = 0; i < writes.size(); ++i) {
            std::vector<std::string> args = writes[i];
            const std::string why = "ticket CC-" + std::to_string(100 + i) + ": é, \"quoted\"";
            args.insert(args.end(), {i % 2 ? "-m" : "--reason", why});
            CAPTURE(args);
            // A dry run records nothing, reason included.
            std::vector<std::string> dry = args;
            dry.push_back("--dry-run");
            const std::string before = s.dump();
            s.ok(dry);
            CHECK(s.dump() == before);
            s.ok(args);
            const Json change = newest_change(s);
            CHECK(change["change"] == last + 1);
            CHECK(change["reason"] == why);
            last = change["change"];
            // Each entry of the change carries it, in every format that shows fields.
            Json entries = s.ok({"history", "--change", std::to_string(last), "-o", "json"}).json();
            REQUIRE(!entries.empty());
            for (const auto& e : entries)
                CHECK(e["reason"] == why);
        }
        // A change made without one has none: null, and an empty CSV cell.
        s.ok({"tenant", "create", "gamma"});
        CHECK(newest_change(s)["reason"].is_null());
        CHECK(s.ok({"history", "--limit", "1", "-o", "json"}).json()[0]["reason"].is_null());
        Result csv_out = s.ok({"history", "--change", std::to_string(last), "-o", "csv"});
        CHECK(csv_out.out.rfind("id,change,at,actor,command,tenant,kind,key,action,before,after,"
                                "reason\n",
                                0) == 0);
        CHECK(csv_out.out.find(",\"ticket CC-113: é, \"\"quoted\"\"\"\n") != std::string::npos);
        Result yaml = s.ok({"history", "--changes", "--limit", "2", "-o", "yaml"});
        CHECK(yaml.out.find("reason: null") != std::string::npos);
        CHECK(yaml.out.find("reason: \"ticket CC-113: é, \\\"quoted\\\"\"") != std::string::npos);
        // The table of changes shows it in its last column.
        Result table = s.ok({"history", "--changes", "--limit", "2"});
        CHECK(table.out.find("REASON") != std::string::npos);
        CHECK(table.out.find("ticket CC-113") != std::string::npos);
    }

    TEST_CASE("a reason out of bounds is invalid input, and nothing is written") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        for (const std::string& why :
             {std::string(""), std::string("two\nlines"), std::string("tab\there"),
              std::string(501, 'x'), std::string("bell\x07")}) {
            CAPTURE(why);
            expect_refused(s, {"profile", "add", "Experts", "-t", "acme", "-m", why}, 5,
                           "--reason");
        }
        // 500 characters (not bytes) are allowed.
        std::string longest;
        for (int i = 0; i < 500; ++i)
            longest += "é";
        s.ok({"profile", "add", "Experts", "-t", "acme", "--reason", longest});
        CHECK(newest_change(s)["reason"] == longest);
        // A read command has no --reason: a usage error.
        Result r = s.run({"tenant", "list", "-m", "why"});
        CHECK(r.code == 64);
        CHECK(r.err.find("-m") != std::string::npos);
    }

    TEST_CASE("the actor: --actor, else $CHATCTL_ACTOR, else a CI's user, else the login") {
        Sandbox s;
        const passwd* pw = ::getpwuid(::geteuid());
        REQUIRE(pw != nullptr);
        struct Case {
            std::map<std::string, std::string> env;
            std::vector<std::string> extra;
            std::string actor;
        };
        const std::string login = pw->pw_name;
        const std::vector<Case> cases = {
            {{{"CHATCTL_ACTOR", kUnset}}, {}, login},
            {{{"CHATCTL_ACTOR", kUnset}, {"GITHUB_ACTIONS", "true"}, {"GITHUB_ACTOR", "octocat"}},
             {},
             "octocat"},
            // Only under the CI that sets it: a stray variable names nobody.
            {{{"CHATCTL_ACTOR", kUnset}, {"GITHUB_ACTOR", "octocat"}}, {}, login},
            {{{"CHATCTL_ACTOR", kUnset}, {"GITHUB_ACTIONS", "false"}, {"GITHUB_ACTOR", "octocat"}},
             {},
             login},
            {{{"CHATCTL_ACTOR", kUnset}, {"GITLAB_CI", "true"}, {"GITLAB_USER_LOGIN", "tanuki"}},
             {},
             "tanuki"},
            {{{"CHATCTL_ACTOR", "release-bot"},
              {"GITHUB_ACTIONS", "true"},
              {"GITHUB_ACTOR", "octocat"}},
             {},
             "release-bot"},
            {{{"CHATCTL_ACTOR", "release-bot"},
              {"GITHUB_ACTIONS", "true"},
              {"GITHUB_ACTOR", "octocat"}},
             {"--actor", "alice"},
             "alice"}};
        int n = 0;
        for (const auto& c : cases) {
            std::vector<std::string> args = {"tenant", "create", "t" + std::to_string(n++)};
            args.insert(args.end(), c.extra.begin(), c.extra.end());
            CAPTURE(args);
            CAPTURE(c.actor);
            Result r = s.run(args, c.env);
            REQUIRE(r.code == 0);
            CHECK(newest_change(s)["actor"] == c.actor);
        }
        // A CI's user out of bounds is named by its variable, and nothing is written.
        const std::string before = s.dump();
        Result r = s.run(
            {"tenant", "create", "bad"},
            {{"CHATCTL_ACTOR", kUnset}, {"GITHUB_ACTIONS", "true"}, {"GITHUB_ACTOR", "octo\ncat"}});
        CHECK(r.code == 5);
        CHECK(r.err.find("$GITHUB_ACTOR") != std::string::npos);
        CHECK(s.dump() == before);
    }
}
