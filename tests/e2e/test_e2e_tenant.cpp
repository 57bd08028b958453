// chatctl tenant: create, edit, list, show, delete; R1 and the tenant bounds.
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

TEST_SUITE("tenant") {

    TEST_CASE("create makes the tenant and its Default profile (R1)") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "--display-name", "ACME Corp"});
        Json t = s.ok({"tenant", "show", "acme", "-o", "json"}).json();
        CHECK(t == Json::parse(R"({"tenant":"acme","display_name":"ACME Corp","owner":null,
                                   "default_profile":"Default","profiles":1,"users":0})"));
        Json p = s.ok({"profile", "show", "Default", "-t", "acme", "-o", "json"}).json();
        CHECK(p["default"] == true);
        CHECK(p["max_concurrent_chats"] == 3);
        CHECK(p["wrap_up_seconds"] == 60);
        CHECK(p["description"].is_null());
    }

    TEST_CASE("the Default profile of R1 is ordinary: edited, renamed, deleted once not default") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "edit", "Default", "-t", "acme", "--rename", "Standard", "--max-chats",
              "4"});
        s.ok({"profile", "add", "Other", "-t", "acme", "--default"});
        s.ok({"profile", "delete", "Standard", "-t", "acme"});
        Json list = s.ok({"profile", "list", "-t", "acme", "-o", "json"}).json();
        REQUIRE(list.size() == 1);
        CHECK(list[0]["name"] == "Other");
    }

    TEST_CASE("a second tenant with the same key is a conflict") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        expect_refused(s, {"tenant", "create", "acme"}, 4, "already exists");
    }

    TEST_CASE("malformed tenant keys are invalid input and create nothing") {
        Sandbox s;
        s.ok({"tenant", "create", "seed"});
        for (std::string key :
             std::vector<std::string>{"ACME", "-acme", "acme-", "a_b", "acme;drop table tenants",
                                      "é", std::string(64, 'a'), "a b", ""}) {
            CAPTURE(key);
            expect_refused(s, {"tenant", "create", "--", key}, 5, "TENANT");
        }
        expect_refused(s, {"tenant", "create", "-acme"}, 64); // an unknown option, as in any CLI
        s.ok({"tenant", "create", std::string(63, 'a')});
        s.ok({"tenant", "create", "0-9"});
    }

    TEST_CASE("tenant show ACME is invalid input, an unknown tenant is not found") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        expect_refused(s, {"tenant", "show", "ACME"}, 5);
        expect_refused(s, {"tenant", "show", "nope"}, 3, "not found");
        expect_refused(s, {"tenant", "edit", "nope", "--display-name", "x"}, 3);
        expect_refused(s, {"tenant", "delete", "nope"}, 3);
    }

    TEST_CASE("display_name bounds") {
        Sandbox s;
        expect_refused(s, {"tenant", "create", "a", "--display-name", std::string(201, 'x')}, 5,
                       "--display-name");
        expect_refused(s, {"tenant", "create", "a", "--display-name", "bell\x07"}, 5, "control");
        s.ok({"tenant", "create", "a", "--display-name", std::string(200, 'x')});
        expect_refused(s, {"tenant", "edit", "a", "--display-name", "line\nbreak"}, 5);
    }

    TEST_CASE("edit changes and clears the display name; the same value writes nothing") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "--display-name", "Old"});
        s.ok({"tenant", "edit", "acme", "--display-name", "New"});
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["display_name"] == "New");
        std::string bytes = s.bytes();
        Result same = s.ok({"tenant", "edit", "acme", "--display-name", "New"});
        CHECK(same.out == "No changes.\n");
        CHECK(s.bytes() == bytes);
        s.ok({"tenant", "edit", "acme", "--display-name", ""});
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["display_name"].is_null());
    }

    TEST_CASE("list is sorted by key, with counts") {
        Sandbox s;
        for (const char* k : {"zeta", "acme", "m-1"})
            s.ok({"tenant", "create", k});
        s.ok({"user", "add", "bob", "-t", "acme"});
        Json list = s.ok({"tenant", "list", "-o", "json"}).json();
        REQUIRE(list.size() == 3);
        CHECK(list[0]["tenant"] == "acme");
        CHECK(list[1]["tenant"] == "m-1");
        CHECK(list[2]["tenant"] == "zeta");
        CHECK(list[0]["users"] == 1);
        CHECK(list[0]["profiles"] == 1);
    }

    TEST_CASE("delete refuses while the tenant has users, unless --force") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"tenant", "create", "beta"});
        s.ok({"user", "add", "bob", "-t", "acme"});
        expect_refused(s, {"tenant", "delete", "acme"}, 4, "--force");
        s.ok({"tenant", "delete", "acme", "--force"});
        expect_refused(s, {"tenant", "show", "acme"}, 3);
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json().size() == 1);
        s.ok({"tenant", "delete", "beta"});
        // History keeps each object the delete removed.
        Json h = s.ok({"history", "-t", "acme", "-o", "json"}).json();
        int deletes = 0;
        for (const auto& e : h)
            if (e["action"] == "delete") ++deletes;
        CHECK(deletes == 3); // bob, Default, acme
    }

} // TEST_SUITE
