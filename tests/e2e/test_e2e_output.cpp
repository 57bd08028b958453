// Output for pipes and eyes: -o name, --no-headers, --sort-by, user find, user list
// --all-tenants, history --changes, and what a deleted object's history row shows.
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

// acme (Default, Night; alice, bob, Zed) and beta (Default; ALICE), then bob deleted.
void two_tenants(const Sandbox& s) {
    s.ok({"-q", "tenant", "create", "acme", "--display-name", "ACME"});
    s.ok({"-q", "tenant", "create", "beta"});
    s.ok({"-q", "profile", "add", "Night", "-t", "acme", "--max-chats", "5"});
    for (const char* login : {"alice", "bob", "Zed"})
        s.ok({"-q", "user", "add", login, "-t", "acme", "--profile", "Night"});
    s.ok({"-q", "user", "add", "ALICE", "-t", "beta", "--name", "Alice B"});
    s.ok({"-q", "user", "delete", "bob", "-t", "acme"});
}

std::vector<std::string> json_column(const Json& rows, const char* field) {
    std::vector<std::string> out;
    for (const auto& row : rows)
        out.push_back(row[field].is_string() ? row[field].get<std::string>() : row[field].dump());
    return out;
}

} // namespace

TEST_SUITE("cli") {

    TEST_CASE("-o name prints one key per line; commands without keys refuse it") {
        Sandbox s;
        two_tenants(s);
        CHECK(s.ok({"tenant", "list", "-o", "name"}).out == "acme\nbeta\n");
        CHECK(s.ok({"tenant", "show", "acme", "-o", "name"}).out == "acme\n");
        CHECK(s.ok({"profile", "list", "-t", "acme", "-o", "NAME"}).out == "Default\nNight\n");
        CHECK(s.ok({"profile", "show", "night", "-t", "acme", "-o", "name"}).out == "Night\n");
        CHECK(s.ok({"user", "list", "-t", "acme", "-o", "name"}).out == "alice\nZed\n");
        CHECK(s.ok({"user", "show", "ZED", "-t", "acme", "-o", "name"}).out == "Zed\n");
        CHECK(s.ok({"user", "find", "alice", "-o", "name"}).out == "acme\nbeta\n");
        CHECK(s.ok({"user", "list", "--all-tenants", "-o", "name"}).out == "alice\nZed\nALICE\n");
        s.ok({"-q", "config", "set-context", "ci", "--tenant", "acme"});
        s.ok({"-q", "config", "set-context", "b", "--tenant", "beta"});
        CHECK(s.ok({"config", "get-contexts", "-o", "name", "--sort-by", "name"}).out == "b\nci\n");
        // history: each change number once, newest first (8 changes).
        CHECK(s.ok({"history", "-o", "name"}).out == "8\n7\n6\n5\n4\n3\n2\n1\n");
        CHECK(s.ok({"history", "--changes", "-o", "name", "--limit", "2"}).out == "8\n7\n");
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"tenant", "create", "gamma", "-o", "name"},
                 {"user", "delete", "alice", "-t", "acme", "-o", "name"},
                 {"export", "-o", "name"},
                 {"simulate", "-t", "acme", "--arrivals", "10/h", "--talk", "3m", "-o", "name"}}) {
            CAPTURE(args[0]);
            expect_refused(s, args, 5, "--output name is for the list and show commands");
        }
    }

    TEST_CASE("--no-headers leaves out a table's header row and a CSV list's") {
        Sandbox s;
        two_tenants(s);
        Result table = s.ok({"tenant", "list"});
        Result bare = s.ok({"tenant", "list", "--no-headers"});
        CHECK(table.out.rfind("TENANT", 0) == 0);
        CHECK(bare.out.rfind("acme ", 0) == 0);
        CHECK(bare.out.find("TENANT") == std::string::npos);
        CHECK(std::count(bare.out.begin(), bare.out.end(), '\n') == 2);
        Result csv = s.ok({"user", "list", "-t", "acme", "-o", "csv", "--no-headers"});
        CHECK(csv.out == "acme,alice,,,Night\nacme,Zed,,,Night\n");
        CHECK(s.ok({"profile", "show", "Night", "-t", "acme", "--no-headers"})
                  .out.rfind("tenant ", 0) == 0);
        CHECK(s.ok({"history", "--no-headers", "--limit", "1"}).out.rfind("ID", 0) != 0);
        // Other formats have no header: the same document.
        CHECK(s.ok({"tenant", "list", "-o", "json", "--no-headers"}).out ==
              s.ok({"tenant", "list", "-o", "json"}).out);
    }

    TEST_CASE("--sort-by FIELD orders a list; an unknown field is invalid input") {
        Sandbox s;
        two_tenants(s);
        Json by_users = s.ok({"tenant", "list", "--sort-by", "users", "-o", "json"}).json();
        CHECK(json_column(by_users, "tenant") == std::vector<std::string>{"beta", "acme"});
        Json profiles = s.ok({"profile", "list", "-t", "acme", "--sort-by", "MAX_CONCURRENT_CHATS",
                              "-o", "json"})
                            .json();
        CHECK(json_column(profiles, "name") == std::vector<std::string>{"Default", "Night"});
        // Texts ignore case, nulls last, ties keep the list's order.
        Json all =
            s.ok({"user", "list", "--all-tenants", "--sort-by", "name", "-o", "json"}).json();
        CHECK(json_column(all, "login") == std::vector<std::string>{"ALICE", "alice", "Zed"});
        Result names = s.ok({"user", "list", "-t", "acme", "--sort-by", "login", "-o", "name"});
        CHECK(names.out == "alice\nZed\n");
        Result history = s.ok({"history", "--sort-by", "change", "-o", "json", "--all"});
        CHECK(history.json().front()["change"] == 1);
        Result bad = s.run({"tenant", "list", "--sort-by", "size"});
        CHECK(bad.code == 5);
        CHECK(bad.out.empty());
        CHECK(bad.err.find("--sort-by: \"size\" is not one of tenant, display_name, owner, "
                           "default_profile, profiles, users") != std::string::npos);
        CHECK(s.run({"history", "--changes", "--sort-by", "kind"}).code == 5);
        CHECK(s.run({"history", "--sort-by", "before"}).code == 5); // an object: no order
    }

    TEST_CASE("user find: every tenant that has the login, ignoring case") {
        Sandbox s;
        two_tenants(s);
        Json found = s.ok({"user", "find", "Alice", "-o", "json"}).json();
        CHECK(found.size() == 2);
        CHECK(found[0] == Json{{"tenant", "acme"},
                               {"login", "alice"},
                               {"name", nullptr},
                               {"email", nullptr},
                               {"profile", "Night"}});
        CHECK(found[1]["tenant"] == "beta");
        CHECK(found[1]["login"] == "ALICE");
        Result table = s.ok({"user", "find", "zed"});
        CHECK(table.out.rfind("TENANT  LOGIN", 0) == 0);
        CHECK(table.out.find("\nacme    Zed") != std::string::npos);
        Result none = s.run({"user", "find", "bob"}); // deleted
        CHECK(none.code == 3);
        CHECK(none.err.find("no tenant has a user \"bob\"") != std::string::npos);
        CHECK(s.run({"user", "find", "a b"}).code == 5);
    }

    TEST_CASE("user list --all-tenants: every tenant's users, tenant by tenant") {
        Sandbox s;
        two_tenants(s);
        Json all = s.ok({"user", "list", "--all-tenants", "-o", "json"}).json();
        CHECK(json_column(all, "tenant") == std::vector<std::string>{"acme", "acme", "beta"});
        CHECK(json_column(all, "login") == std::vector<std::string>{"alice", "Zed", "ALICE"});
        Result table = s.run({"user", "list", "--all-tenants"}, {{"CHATCTL_TENANT", "beta"}});
        CHECK(table.code == 0);
        CHECK(table.out.rfind("TENANT  LOGIN", 0) == 0);
        CHECK(std::count(table.out.begin(), table.out.end(), '\n') == 4);
        expect_refused(s, {"user", "list", "--all-tenants", "-t", "acme"}, 64,
                       "--all-tenants and --tenant cannot be used together");
        expect_refused(s, {"user", "list", "--all-tenants", "--profile", "Night"}, 64);
    }

    TEST_CASE("history --changes: one line per change, its objects counted by kind and action") {
        Sandbox s;
        two_tenants(s);
        s.ok({"-q", "tenant", "delete", "acme", "--force", "--actor", "ops"});
        Json changes = s.ok({"history", "--changes", "-o", "json"}).json();
        REQUIRE(changes.size() == 9);
        const Json& last = changes[0];
        CHECK(last["change"] == 9);
        CHECK(last["actor"] == "ops");
        CHECK(last["command"] == "tenant delete");
        CHECK(last["at"].get<std::string>().back() == 'Z');
        CHECK(last["tenant_delete"] == 1);
        CHECK(last["profile_delete"] == 2);
        CHECK(last["user_delete"] == 2);
        CHECK(last["user_create"] == 0);
        CHECK(changes[8]["tenant_create"] == 1);
        CHECK(changes[8]["profile_create"] == 1);
        Result table = s.ok({"history", "--changes", "--limit", "1"});
        CHECK(table.out.rfind("CHANGE  AT", 0) == 0);
        CHECK(table.out.find("ops    tenant delete  -1       -2        -2     -\n") !=
              std::string::npos);
        CHECK(table.err.find("the 1 newest matching changes shown") != std::string::npos);
        Result csv = s.ok({"history", "--changes", "-o", "csv", "--limit", "1"});
        CHECK(csv.out.rfind("change,at,actor,command,reason,tenant_create,", 0) == 0);
        // Filters select entries: a change is counted by the entries they keep.
        Json users = s.ok({"history", "--changes", "--kind", "user", "-o", "json"}).json();
        CHECK(users[0]["profile_delete"] == 0);
        CHECK(users[0]["user_delete"] == 2);
    }

    TEST_CASE("a deleted object's history row shows what it was") {
        Sandbox s;
        two_tenants(s);
        s.ok({"-q", "profile", "add", "Spare", "-t", "beta", "--description", "unused"});
        s.ok({"-q", "profile", "delete", "Spare", "-t", "beta"});
        s.ok({"-q", "tenant", "delete", "acme", "--force"});
        Json deletes = s.ok({"history", "--all", "-o", "json", "--sort-by", "action"}).json();
        int seen = 0;
        for (const auto& e : deletes) {
            if (e["action"] != "delete") continue;
            CAPTURE(e["key"].get<std::string>());
            CHECK(e["before"].is_object());
            CHECK(e["after"].is_null());
            ++seen;
        }
        CHECK(seen == 7); // bob; Spare; acme, its 2 profiles and 2 users
        Result table = s.ok({"history", "--kind", "user", "--key", "bob"});
        CHECK(table.out.find("delete  user  acme    bob  name=null email=null profile=Night") !=
              std::string::npos);
        Result profile = s.ok({"history", "--key", "spare", "--limit", "1"});
        CHECK(profile.out.find("description=unused") != std::string::npos);
    }
}
