// History you can search (change numbers, filters) and revert: one committed command
// undone as a new one, refused when a later change touched the same objects.
#include "harness.hpp"

#include <algorithm>
#include <ctime>
#include <doctest/doctest.h>

using namespace e2e;

namespace {

Json history(const Sandbox& s, std::vector<std::string> args = {}) {
    args.insert(args.begin(), "history");
    if (std::find(args.begin(), args.end(), "--limit") == args.end())
        args.insert(args.end(), {"--limit", "1000"});
    args.insert(args.end(), {"-o", "json"});
    return s.ok(args).json();
}

int64_t last_change(const Sandbox& s) {
    return history(s)[0]["change"];
}

std::string exported(const Sandbox& s) {
    return s.ok({"export"}).out;
}

// Runs the command, then reverts it: the export is back to what it was, and reverting
// the revert makes it again.
void round_trip(const Sandbox& s, const std::vector<std::string>& command) {
    std::string before = exported(s);
    s.ok(command);
    std::string after = exported(s);
    REQUIRE(after != before);
    std::string change = std::to_string(last_change(s));
    s.ok({"revert", change});
    CHECK(exported(s) == before);
    s.ok({"revert", std::to_string(last_change(s))});
    CHECK(exported(s) == after);
}

} // namespace

TEST_SUITE("revert") {

    TEST_CASE("each committed command has a change number shared by all its entries") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"user", "add", "bob", "-t", "acme"});
        s.run({"user", "add", "bob", "-t", "acme"}); // refused: no number taken
        s.ok({"profile", "add", "Sales", "-t", "acme", "--default"});
        Json h = history(s);
        REQUIRE(h.size() == 5);
        CHECK(h[0]["change"] == 3); // the new default
        CHECK(h[1]["change"] == 3); // the old one demoted
        CHECK(h[2]["change"] == 2);
        CHECK(h[3]["change"] == 1);
        CHECK(h[4]["change"] == 1);
        CHECK(h[0]["at"].get<std::string>().size() == 24); // milliseconds
        CHECK(history(s, {"--change", "1"}).size() == 2);
        expect_refused(s, {"history", "--change", "0"}, 5, "--change");
        CHECK(history(s, {"--change", "99"}).empty());
    }

    TEST_CASE("history filters by kind, key, actor, time; -t unknown is not found") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "--actor", "alice"});
        s.ok({"user", "add", "Bob", "-t", "acme", "--actor", "bob-bot"});
        s.ok({"tenant", "create", "gone"});
        s.ok({"tenant", "delete", "gone"});
        CHECK(history(s, {"--kind", "user"}).size() == 1);
        CHECK(history(s, {"--key", "bob"})[0]["key"] == "Bob"); // ignoring case
        CHECK(history(s, {"--actor", "alice"}).size() == 2);
        CHECK(history(s, {"--actor", "bob-bot", "--kind", "profile"}).empty());
        CHECK(history(s, {"--since", "1h"}).size() == 7);
        CHECK(history(s, {"--until", "1h"}).empty());
        CHECK(history(s, {"--since", "2000-01-01", "--until", "2999-12-31"}).size() == 7);
        std::string at = history(s, {"--kind", "user"})[0]["at"]; // each command its own ms
        CHECK(history(s, {"--since", at, "--until", at.substr(0, 10)}).size() == 5);
        CHECK(history(s, {"--until", at}).size() == 3);
        CHECK(history(s, {"--until", at.substr(0, 10) + "T00:00:00.000+23:59"}).empty());
        expect_refused(s, {"history", "--since", "tomorrow"}, 5, "today or yesterday");
        expect_refused(s, {"history", "--since", "2026-02-30"}, 5, "--since");
        expect_refused(s, {"history", "--until", "1.5h"}, 5, "--until");
        expect_refused(s, {"history", "--kind", "users"}, 5, "--kind");
        expect_refused(s, {"history", "--since", "1h", "--until", "2h"}, 5, "after --until");
        expect_refused(s, {"history", "-t", "nope"}, 3, "nope");
        CHECK(history(s, {"-t", "gone"}).size() == 4); // a deleted tenant's history stays
    }

    TEST_CASE("--since and --until take today and yesterday: local days, in $TZ") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"}); // a tenant and its Default profile: 2 entries
        // A zone where it is about noon now, so that the test never straddles a midnight:
        // in POSIX's TZ, "LOC-3" is three hours east of UTC.
        std::time_t now = std::time(nullptr);
        std::tm utc{};
        ::gmtime_r(&now, &utc);
        const std::string zone = "LOC" + std::to_string(utc.tm_hour - 12);
        auto count = [&](std::vector<std::string> args) {
            args.insert(args.begin(), {"-o", "json", "history"});
            Result r = s.run(args, {{"TZ", zone}});
            REQUIRE(r.code == 0);
            return r.json().size();
        };
        CHECK(count({"--since", "today"}) == 2);
        CHECK(count({"--since", "Yesterday"}) == 2);
        CHECK(count({"--until", "yesterday"}) == 0);
        CHECK(count({"--since", "yesterday", "--until", "TODAY"}) == 2);
        CHECK(count({"--until", "today"}) == 2);
    }

    TEST_CASE("the table shows what each entry did to each field") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "edit", "Default", "-t", "acme", "--wrap-up", "30", "--max-chats", "4"});
        std::string out = s.ok({"history", "--limit", "1"}).out;
        CHECK(out.find("CHANGE") != std::string::npos);
        CHECK(out.find("max_concurrent_chats: 3 -> 4, wrap_up_seconds: 60 -> 30") !=
              std::string::npos);
    }

    TEST_CASE("revert undoes each kind of command, and reverting the revert makes it again") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "--display-name", "ACME"});
        s.ok({"profile", "add", "Sales", "-t", "acme", "--max-chats", "5"});
        s.ok({"user", "add", "bob", "-t", "acme", "--name", "Bob", "--profile", "Sales"});
        s.ok({"user", "add", "ann", "-t", "acme"});
        round_trip(s, {"user", "add", "zed", "-t", "acme", "--email", "z@x.io"});
        round_trip(s, {"user", "edit", "bob", "-t", "acme", "--name", ""});
        round_trip(s, {"user", "assign", "bob", "ann", "-t", "acme", "--profile", "Default"});
        round_trip(s, {"user", "delete", "bob", "ann", "-t", "acme"});
        round_trip(s, {"user", "delete", "--all", "-t", "acme"});
        round_trip(
            s, {"profile", "edit", "Sales", "-t", "acme", "--rename", "Support", "--wrap-up", "0"});
        round_trip(s, {"profile", "add", "Night", "-t", "acme", "--default"});
        // Each round trip ends with the command made again: Sales is Support from here on.
        round_trip(s, {"profile", "set-default", "Support", "-t", "acme"});
        round_trip(s, {"user", "add", "sue", "-t", "acme", "--profile", "Default"});
        round_trip(s, {"profile", "delete", "Default", "-t", "acme", "--reassign-to", "Night"});
        round_trip(s, {"tenant", "edit", "acme", "--display-name", "Acme 2"});
        round_trip(s, {"tenant", "delete", "acme", "--force"});
        round_trip(s, {"tenant", "create", "beta"});
        std::string prune = s.write("p.yaml", "tenants:\n  - tenant: acme\n    profiles:\n"
                                              "      - name: Fresh\n        default: true\n"
                                              "    users:\n      - login: new\n");
        round_trip(s, {"apply", "-f", prune, "--prune"});
        round_trip(s, {"user", "import", "-t", "acme",
                       s.write("u.csv", "login,profile\nbob,\nx,\n"), "--prune"});
    }

    TEST_CASE("a change that renames a profile and moves users onto it reverts whole") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "add", "Sales", "-t", "acme"});
        s.ok({"user", "add", "bob", "-t", "acme"});
        std::string decl = s.write("r.yaml", "tenants:\n  - tenant: acme\n    profiles:\n"
                                             "      - name: Default\n        default: true\n"
                                             "      - name: SALES\n"
                                             "    users:\n      - login: bob\n"
                                             "        profile: SALES\n");
        round_trip(s, {"apply", "-f", decl});
    }

    TEST_CASE("a later change to the same objects refuses, naming it; --force goes back") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"user", "add", "bob", "-t", "acme", "--name", "Bob"}); // change 2
        s.ok({"user", "add", "ann", "-t", "acme"});                  // change 3: other user
        s.ok({"user", "edit", "BOB", "-t", "acme", "--name", "Robert", "--actor", "eve"}); // 4
        expect_refused(s, {"revert", "2"}, 4, "change 4 (user edit by eve at ");
        Result r = s.run({"revert", "2"});
        CHECK(r.err.find("changed user \"bob\" of tenant acme after change 2") !=
              std::string::npos);
        CHECK(r.err.find("chatctl revert 4") != std::string::npos);
        CHECK(r.err.find("chatctl revert 2 --force") != std::string::npos);
        s.ok({"revert", "3"}); // a change no later one touched
        CHECK(s.run({"user", "show", "ann", "-t", "acme"}).code == 3);
        s.ok({"revert", "2", "--force"}); // bob goes, as before change 2
        CHECK(s.run({"user", "show", "bob", "-t", "acme"}).code == 3);
        // A later change that was itself reverted no longer stands in the way.
        s.ok({"user", "add", "cy", "-t", "acme"});                  // 7
        s.ok({"user", "edit", "cy", "-t", "acme", "--name", "Cy"}); // 8
        s.ok({"revert", "8"});                                      // 9
        s.ok({"revert", "7"});
        CHECK(s.run({"user", "show", "cy", "-t", "acme"}).code == 3);
    }

    TEST_CASE("revert --force that puts back an older default records the default it takes") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "add", "A", "-t", "acme"});
        s.ok({"profile", "add", "B", "-t", "acme"});
        s.ok({"profile", "set-default", "A", "-t", "acme"}); // 4
        s.ok({"profile", "set-default", "B", "-t", "acme"}); // 5
        Result r = s.ok({"revert", "4", "--force"});         // 6: Default back, from B
        CHECK(r.out == "~ profile acme/B        default: true -> false\n"
                       "~ profile acme/Default  default: false -> true\n");
        Json h = history(s, {"--change", "6"});
        REQUIRE(h.size() == 2);
        CHECK(h[1]["key"] == "B");
        CHECK(h[1]["before"]["default"] == true);
        CHECK(h[1]["after"]["default"] == false);
        // Its revert is in place, so it goes back without --force: B is the default again.
        s.ok({"revert", "6"});
        CHECK(s.ok({"profile", "show", "B", "-t", "acme", "-o", "json"}).json()["default"] == true);
        CHECK(s.ok({"profile", "show", "Default", "-t", "acme", "-o", "json"}).json()["default"] ==
              false);
    }

    TEST_CASE("a change no longer in place, an unknown change, a rule: refused, nothing written") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "add", "Sales", "-t", "acme"});                  // 2
        s.ok({"user", "add", "bob", "-t", "acme", "--profile", "Sales"}); // 3
        // Deleting Sales while bob is on it breaks a rule, --force or not.
        expect_refused(s, {"revert", "2"}, 4, "has 1 user");
        expect_refused(s, {"revert", "2", "--force"}, 4, "has 1 user");
        s.ok({"profile", "edit", "Sales", "-t", "acme", "--rename", "Support"}); // 4
        // bob's profile was renamed under him: reverting 3 alone would be blind.
        expect_refused(s, {"revert", "3"}, 4, "profile \"Sales\" -> \"Support\"");
        expect_refused(s, {"revert", "99"}, 3, "change 99 not found");
        expect_refused(s, {"revert", "0"}, 5, "CHANGE");
        expect_refused(s, {"revert"}, 64);
        // --dry-run prints the plan, writes nothing.
        std::string before = s.dump();
        Result dry = s.ok({"revert", "4", "--dry-run"});
        CHECK(dry.out.find("~ profile acme/Support  name: Support -> Sales") != std::string::npos);
        CHECK(dry.out.find("Plan: 0 to add, 1 to change, 0 to destroy.") != std::string::npos);
        CHECK(s.dump() == before);
        // revert records itself as a command of its own.
        s.ok({"revert", "4"});
        Json h = history(s, {"--limit", "1"});
        CHECK(h[0]["command"] == "revert 4");
        CHECK(h[0]["change"] == 5);
    }

    TEST_CASE("a change of thousands of users in two tenants reverts whole, batch after batch") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"tenant", "create", "beta"});
        s.ok({"profile", "add", "Sales", "-t", "beta"});
        // Rows of both tenants mixed, more than a page and a batch of each.
        std::string csv = "tenant,login,name,profile\n";
        for (int i = 0; i < 2600; ++i)
            csv += std::string(i % 3 ? "acme" : "beta") + ",Agent" + std::to_string(i) + ",Agent " +
                   std::to_string(i) + "," + (i % 3 ? "" : "Sales") + "\n";
        const std::string file = s.write("agents.csv", csv);
        round_trip(s, {"user", "import", file});
        CHECK(s.query("SELECT count(*) FROM users")[0][0] == "2600");
        s.ok({"revert", "last"});
        CHECK(s.query("SELECT count(*) FROM users")[0][0] == "0");
        const int64_t change = last_change(s);
        CHECK(s.query("SELECT " + history_entries_sql() + " FROM history WHERE change = " +
                      std::to_string(change) + " AND action = 'delete'")[0][0] == "2600");
        // A user changed outside chatctl, deep in the change: its revert is refused, naming
        // it, and writes nothing.
        s.ok({"revert", "last"});
        s.sql("UPDATE users SET name = 'Changed' WHERE login = 'Agent2501'");
        const std::string before = s.dump();
        expect_refused(s, {"revert", "last"}, 4,
                       "user \"Agent2501\" of tenant acme is no longer as change");
        CHECK(s.dump() == before);
    }

} // TEST_SUITE
