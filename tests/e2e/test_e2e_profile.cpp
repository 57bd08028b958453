// chatctl profile: the profile bounds, R3, R4, R7, R8, R9 and case-insensitive lookup.
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

void acme(const Sandbox& s) {
    s.ok({"tenant", "create", "acme"});
}

Json profiles(const Sandbox& s) {
    return s.ok({"profile", "list", "-t", "acme", "-o", "json"}).json();
}

int defaults(const Json& list) {
    int n = 0;
    for (const auto& p : list)
        n += p["default"].get<bool>() ? 1 : 0;
    return n;
}

std::string repeat(const std::string& unit, int n) {
    std::string out;
    for (int i = 0; i < n; ++i)
        out += unit;
    return out;
}

} // namespace

TEST_SUITE("profile") {

    TEST_CASE("add with every field, shown as JSON") {
        Sandbox s;
        acme(s);
        s.ok({"profile", "add", "Experts", "-t", "acme", "--max-chats", "5", "--wrap-up", "2m",
              "--description", "Level-2 agents"});
        Json p = s.ok({"profile", "show", "Experts", "-t", "acme", "-o", "json"}).json();
        CHECK(p == Json::parse(R"({"tenant":"acme","name":"Experts","default":false,
        "max_concurrent_chats":5,"wrap_up_seconds":120,"description":"Level-2 agents","users":0})"));
    }

    TEST_CASE("--max-chats outside 1-25 or not an integer is invalid input naming the field") {
        Sandbox s;
        acme(s);
        for (const char* bad :
             {"0", "26", "-1", "abc", "1.5", "", "+3", "3 ", "99999999999999999999"}) {
            CAPTURE(bad);
            expect_refused(s, {"profile", "add", "P", "-t", "acme", "--max-chats", bad}, 5,
                           "--max-chats");
        }
        s.ok({"profile", "add", "Low", "-t", "acme", "--max-chats", "1"});
        s.ok({"profile", "add", "High", "-t", "acme", "--max-chats", "25"});
        expect_refused(s, {"profile", "edit", "Low", "-t", "acme", "--max-chats", "26"}, 5, "1-25");
    }

    TEST_CASE("--wrap-up takes seconds or s/m/h, compound too, within 0-3600") {
        Sandbox s;
        acme(s);
        const std::pair<const char*, int> good[] = {{"0", 0},       {"90", 90},    {"90s", 90},
                                                    {"2m", 120},    {"60m", 3600}, {"1h", 3600},
                                                    {"3600", 3600}, {"1m30s", 90}};
        for (const auto& [text, seconds] : good) {
            CAPTURE(text);
            s.ok({"profile", "edit", "Default", "-t", "acme", "--wrap-up", text});
            CHECK(s.ok({"profile", "show", "Default", "-t", "acme", "-o", "json"})
                      .json()["wrap_up_seconds"] == seconds);
        }
        for (const char* bad : {"3601", "1.5m", "61m", "2h", "-5", "5 s", "5x", "", "m", "1h30m",
                                "99999999999999999999s", "1m30", "30s1m", "1m1m"}) {
            CAPTURE(bad);
            expect_refused(s, {"profile", "edit", "Default", "-t", "acme", "--wrap-up", bad}, 5,
                           "--wrap-up");
        }
    }

    TEST_CASE("profile name bounds, in code points") {
        Sandbox s;
        acme(s);
        s.ok({"profile", "add", repeat("é", 127), "-t", "acme"});
        expect_refused(s, {"profile", "add", repeat("é", 128), "-t", "acme"}, 5, "too long");
        for (std::string bad :
             {std::string(" lead"), std::string("trail "), std::string("tab\there"),
              std::string("nul\x01"), std::string("bad\xff utf8"), std::string(""),
              std::string("del\x7f")}) {
            CAPTURE(bad);
            expect_refused(s, {"profile", "add", bad, "-t", "acme"}, 5, "NAME");
        }
        expect_refused(s, {"profile", "edit", "Default", "-t", "acme", "--rename", " x"}, 5,
                       "--rename");
    }

    TEST_CASE("description bounds") {
        Sandbox s;
        acme(s);
        s.ok({"profile", "add", "A", "-t", "acme", "--description", std::string(250, 'd')});
        expect_refused(
            s, {"profile", "add", "B", "-t", "acme", "--description", std::string(251, 'd')}, 5,
            "--description");
        expect_refused(s, {"profile", "edit", "A", "-t", "acme", "--description", "a\x1b[31m"}, 5);
        s.ok({"profile", "edit", "A", "-t", "acme", "--description", ""});
        CHECK(s.ok({"profile", "show", "A", "-t", "acme", "-o", "json"})
                  .json()["description"]
                  .is_null());
    }

    TEST_CASE("names are unique and looked up case-insensitively (R9)") {
        Sandbox s;
        acme(s);
        s.ok({"profile", "add", "Sales", "-t", "acme"});
        expect_refused(s, {"profile", "add", "sales", "-t", "acme"}, 4, "already exists");
        expect_refused(s, {"profile", "add", "DEFAULT", "-t", "acme"}, 4);
        CHECK(s.ok({"profile", "show", "sALES", "-t", "acme", "-o", "json"}).json()["name"] ==
              "Sales");
        expect_refused(s, {"profile", "edit", "Sales", "-t", "acme", "--rename", "default"}, 4);
        s.ok({"profile", "edit", "sales", "-t", "acme", "--rename", "SALES"}); // its own name
        CHECK(s.ok({"profile", "show", "sales", "-t", "acme", "-o", "json"}).json()["name"] ==
              "SALES");
    }

    TEST_CASE("the default profile cannot be deleted; the error names set-default (R3)") {
        Sandbox s;
        acme(s);
        s.ok({"profile", "add", "Other", "-t", "acme"});
        expect_refused(s, {"profile", "delete", "Default", "-t", "acme"}, 4, "set-default");
        expect_refused(s, {"profile", "delete", "default", "-t", "acme", "--reassign-to", "Other"},
                       4, "default");
    }

    TEST_CASE("set-default moves the flag atomically and changes no user (R4, R8)") {
        Sandbox s;
        acme(s);
        s.ok({"profile", "add", "Experts", "-t", "acme"});
        s.ok({"user", "add", "alice", "-t", "acme"});
        s.ok({"profile", "set-default", "experts", "-t", "acme"});
        Json list = profiles(s);
        CHECK(defaults(list) == 1);
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["default_profile"] ==
              "Experts");
        CHECK(s.ok({"user", "show", "alice", "-t", "acme", "-o", "json"}).json()["profile"] ==
              "Default");
        s.ok({"user", "add", "bob", "-t", "acme"}); // R5: new users get the new default
        CHECK(s.ok({"user", "show", "bob", "-t", "acme", "-o", "json"}).json()["profile"] ==
              "Experts");
        s.ok({"profile", "add", "Third", "-t", "acme", "--default"});
        CHECK(defaults(profiles(s)) == 1);
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["default_profile"] == "Third");
    }

    TEST_CASE("set-default on the default succeeds and writes nothing") {
        Sandbox s;
        acme(s);
        std::string bytes = s.bytes();
        Result r = s.ok({"profile", "set-default", "Default", "-t", "acme"});
        CHECK(r.out == "No changes.\n");
        CHECK(s.bytes() == bytes);
        CHECK(s.ok({"history", "-o", "json"}).json().size() == 2);
    }

    TEST_CASE("a profile with users is deleted only with --reassign-to, in one step (R7)") {
        Sandbox s;
        acme(s);
        s.ok({"profile", "add", "Old", "-t", "acme"});
        s.ok({"profile", "add", "New", "-t", "acme"});
        for (const char* u : {"a", "b", "c"})
            s.ok({"user", "add", u, "-t", "acme", "--profile", "Old"});
        expect_refused(s, {"profile", "delete", "Old", "-t", "acme"}, 4, "--reassign-to");
        expect_refused(s, {"profile", "delete", "Old", "-t", "acme", "--reassign-to", "old"}, 4,
                       "--reassign-to");
        expect_refused(s, {"profile", "delete", "Old", "-t", "acme", "--reassign-to", "Nope"}, 3);
        s.ok({"profile", "delete", "Old", "-t", "acme", "--reassign-to", "new"});
        Json users = s.ok({"user", "list", "-t", "acme", "--profile", "New", "-o", "json"}).json();
        CHECK(users.size() == 3);
        expect_refused(s, {"profile", "show", "Old", "-t", "acme"}, 3);
        s.ok({"profile", "add", "Empty", "-t", "acme"});
        s.ok({"profile", "delete", "Empty", "-t", "acme"});
    }

    TEST_CASE("edit needs something to change; unknown profile and tenant are not found") {
        Sandbox s;
        acme(s);
        expect_refused(s, {"profile", "edit", "Default", "-t", "acme"}, 64, "nothing to change");
        expect_refused(s, {"profile", "edit", "Nope", "-t", "acme", "--max-chats", "4"}, 3);
        expect_refused(s, {"profile", "add", "P", "-t", "nope"}, 3, "tenant");
        expect_refused(s, {"profile", "list", "-t", "nope"}, 3);
        expect_refused(s, {"profile", "set-default", "Nope", "-t", "acme"}, 3);
    }

    TEST_CASE("the tenant comes from -t, else CHATCTL_TENANT, else it is a usage error") {
        Sandbox s;
        acme(s);
        expect_refused(s, {"profile", "list"}, 64, "--tenant");
        Result r = s.run({"profile", "list", "-o", "json"}, {{"CHATCTL_TENANT", "acme"}});
        CHECK(r.code == 0);
        CHECK(r.json().size() == 1);
        // -t beats the environment.
        CHECK(s.run({"profile", "list", "-t", "nope"}, {{"CHATCTL_TENANT", "acme"}}).code == 3);
    }

    TEST_CASE("names full of SQL and shell metacharacters are stored verbatim") {
        Sandbox s;
        acme(s);
        for (std::string name : {"Robert'); DROP TABLE profiles;--", "$(rm -rf /)", "`id`",
                                 "a\"b\\c", "%_*?[x]", "日本語 プロフィール", "null", "x: y # z"}) {
            CAPTURE(name);
            s.ok({"profile", "add", name, "-t", "acme", "--description", name});
            Json p = s.ok({"profile", "show", name, "-t", "acme", "-o", "json"}).json();
            CHECK(p["name"] == name);
            CHECK(p["description"] == name);
        }
        CHECK(profiles(s).size() == 9);
    }

} // TEST_SUITE
