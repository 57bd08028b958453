// Declarations too large to hold: apply, plan and export of many users in bounded
// memory, plans that stream in every format and agree with what apply writes, users
// walked beside the store's across its pages while they are written.
#include "harness.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <algorithm>
#include <doctest/doctest.h>
#include <random>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

using namespace e2e;

namespace {

const bool kMeasureMemory = !sanitized(); // the sanitizer's allocator measures itself
const int kUsersPerTenant = sanitized() ? 5000 : 50000;

// What the contract allows for a million users; the whole-declaration design this
// replaced took 2.6 KB a user, 520 MB for these 200,000.
constexpr long kBoundKb = 200 * 1024;

std::string login(int i) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "u%06d", i);
    return buffer;
}

struct DeclaredUser {
    std::string login, name, profile;
};

std::string declaration(const std::string& tenant, const std::vector<DeclaredUser>& users) {
    std::string out = "tenants:\n  - tenant: " + tenant +
                      "\n    profiles:\n      - name: Default\n        default: true\n"
                      "      - name: Experts\n    users:\n";
    for (const auto& u : users)
        out += "      - login: " + u.login + "\n        name: " + u.name +
               "\n        profile: " + u.profile + "\n";
    return out;
}

// Every user of the tenant as export prints it: login -> "name/profile".
std::map<std::string, std::string> exported(const Sandbox& s, const std::string& tenant) {
    Json doc = s.ok({"export", "-t", tenant, "-o", "json", "--show-defaults"}).json();
    std::map<std::string, std::string> out;
    for (const auto& u : doc["tenants"][0]["users"])
        out[u["login"].get<std::string>()] =
            u["name"].get<std::string>() + "/" + u["profile"].get<std::string>();
    return out;
}

} // namespace

TEST_SUITE("scale") {

    TEST_CASE("200,000 users are applied, planned and exported in bounded memory") {
        Sandbox s;
        // Four tenants: two in login order (as export writes them), two not.
        std::string text = "tenants:\n";
        for (int t = 0; t < 4; ++t) {
            text += "  - tenant: t" + std::to_string(t) + "\n    users:\n";
            for (int i = 0; i < kUsersPerTenant; ++i) {
                int n = t % 2 == 0 ? i : kUsersPerTenant - 1 - i;
                text += "      - login: " + login(n) + "\n        name: Agent " +
                        std::to_string(n) + "\n        email: " + login(n) + "@t.example\n";
            }
        }
        std::string file = s.write("big.yaml", text);
        Result applied = s.run({"-q", "apply", "-f", file});
        CHECK(applied.code == 0);
        Result planned = s.run({"-q", "plan", "-f", file});
        CHECK(planned.code == 0); // in sync
        Result exported = s.run({"export"});
        CHECK(exported.code == 0);
        MESSAGE("peak memory: apply " << applied.max_rss_kb / 1024 << " MB, plan "
                                      << planned.max_rss_kb / 1024 << " MB, export "
                                      << exported.max_rss_kb / 1024 << " MB");
        if (kMeasureMemory) {
            CHECK(applied.max_rss_kb < kBoundKb);
            CHECK(planned.max_rss_kb < kBoundKb);
            CHECK(exported.max_rss_kb < kBoundKb);
        }
        Json tenants = s.ok({"tenant", "list", "-o", "json"}).json();
        REQUIRE(tenants.size() == 4);
        for (const auto& t : tenants)
            CHECK(t["users"] == kUsersPerTenant);
        // The export is in login order: what applies it again changes nothing.
        std::string again = s.write("again.yaml", exported.out);
        CHECK(s.run({"-q", "plan", "-f", again}).code == 0);

        // The same declaration in flow style, on one line, each users list inside a
        // flow mapping inside a flow list: a parser that keeps a nested flow collection
        // until it closes holds all of it (yaml-cpp took 1.4 GB for 2M users so).
        std::string flow = "tenants: [";
        for (int t = 0; t < 4; ++t) {
            flow += std::string(t ? ", " : "") + "{tenant: t" + std::to_string(t) + ", users: [";
            for (int i = 0; i < kUsersPerTenant; ++i) {
                int n = t % 2 == 0 ? i : kUsersPerTenant - 1 - i;
                flow += std::string(i ? ", " : "") + "{login: " + login(n) + ", name: Agent " +
                        std::to_string(n) + ", email: " + login(n) + "@t.example}";
            }
            flow += "]}";
        }
        Result flowed = s.run({"-q", "plan", "-f", s.write("flow.yaml", flow + "]\n")});
        CHECK(flowed.code == 0); // the same users, in sync
        MESSAGE("peak memory: plan of the flow-style declaration " << flowed.max_rss_kb / 1024
                                                                   << " MB");
        if (kMeasureMemory) CHECK(flowed.max_rss_kb < planned.max_rss_kb + 16 * 1024);
    }

    TEST_CASE("a plan of thousands of changes streams in every form and is what apply does") {
        Sandbox s;
        // 2,500 users, declared out of order: more than a page of the store's users
        // (1,000) and a block of plan lines (1,000).
        std::vector<DeclaredUser> before;
        for (int i = 0; i < 2500; ++i)
            before.push_back({login(i), "Agent", i % 2 ? "Experts" : "Default"});
        std::shuffle(before.begin(), before.end(), std::mt19937(42));
        s.ok({"-q", "apply", "-f", s.write("before.yaml", declaration("acme", before))});

        // Keep the first 1,700 (renaming every third), drop the rest, add 800.
        std::vector<DeclaredUser> after;
        std::map<std::string, std::string> expected;
        int creates = 0, updates = 0, deletes = 0;
        for (const auto& u : before) {
            int i = std::stoi(u.login.substr(1));
            if (i >= 1700) {
                ++deletes;
                continue;
            }
            DeclaredUser kept = u;
            if (i % 3 == 0) {
                kept.name = "Renamed";
                ++updates;
            }
            after.push_back(kept);
            expected[kept.login] = kept.name + "/" + kept.profile;
        }
        for (int i = 0; i < 800; ++i, ++creates) {
            after.push_back({"n" + login(i), "New", "Experts"});
            expected["n" + login(i)] = "New/Experts";
        }
        std::reverse(after.begin(), after.end());
        std::string file = s.write("after.yaml", declaration("acme", after));
        const int total = creates + updates + deletes;

        Json plan = s.run({"plan", "--prune", "-f", file, "-o", "json"}).json();
        CHECK(plan["changes"].size() == size_t(total));
        CHECK(plan["summary"] ==
              Json{{"create", creates}, {"update", updates}, {"delete", deletes}});
        // Users come in login order (ignoring case): the order the store's index has.
        std::vector<std::string> keys;
        for (const auto& c : plan["changes"])
            keys.push_back(c["key"]);
        CHECK(std::is_sorted(keys.begin(), keys.end()));

        YAML::Node yaml = YAML::Load(s.run({"plan", "--prune", "-f", file, "-o", "yaml"}).out);
        CHECK(yaml["changes"].size() == size_t(total));
        CHECK(yaml["summary"]["delete"].as<int>() == deletes);

        Result text = s.run({"plan", "--prune", "-f", file});
        CHECK(text.code == 2);
        std::istringstream lines(text.out);
        std::string line;
        int counted = 0;
        while (std::getline(lines, line) && line.rfind("Plan:", 0) != 0) {
            CHECK(std::string("+~-").find(line[0]) != std::string::npos);
            ++counted;
        }
        CHECK(counted == total);
        CHECK(line == "Plan: " + std::to_string(creates) + " to add, " + std::to_string(updates) +
                          " to change, " + std::to_string(deletes) + " to destroy.");

        // Standard input reads as the file does.
        CHECK(s.run({"plan", "--prune", "-f", "-"}, {}, declaration("acme", after)).out ==
              text.out);

        Result applied = s.run({"apply", "--prune", "-f", file, "-o", "json"});
        REQUIRE(applied.code == 0);
        CHECK(applied.json()["summary"] == plan["summary"]);
        CHECK(exported(s, "acme") == expected);
        Json history = s.ok({"history", "-t", "acme", "--limit", "100000", "-o", "json"}).json();
        CHECK(history.size() == size_t(2500 + 1 + 2 + total)); // users, tenant, profiles, this
        CHECK(s.run({"-q", "plan", "--prune", "-f", file}).code == 0);
    }

    TEST_CASE("a failed apply or plan of thousands of users writes nothing and prints no plan") {
        Sandbox s;
        std::vector<DeclaredUser> users;
        for (int i = 0; i < 3000; ++i)
            users.push_back({login(i), "Agent", "Default"});
        users.push_back({"late", "Agent", "Nowhere"}); // found only at the end
        std::string file = s.write("bad.yaml", declaration("acme", users));
        // Planned while read, the first 3,000 users planned before the last is met.
        for (const std::vector<std::string>& command :
             {std::vector<std::string>{"plan", "-f", file},
              std::vector<std::string>{"apply", "--dry-run", "-f", file}}) {
            CAPTURE(command[0]);
            Result p = s.run(command);
            CHECK(p.code == 5);
            CHECK(p.out.empty());
            CHECK(p.err.find("profile \"Nowhere\" exists nowhere") != std::string::npos);
        }
        Result r = s.run({"apply", "-f", file});
        CHECK(r.code == 5);
        CHECK(r.out.empty());
        CHECK(r.err.find("profile \"Nowhere\" exists nowhere in tenant acme") != std::string::npos);
        CHECK(s.dump().empty()); // not even a store
    }

    TEST_CASE("users declared twice are found whether or not the list is in login order") {
        Sandbox s;
        for (const auto& [name, logins] :
             std::vector<std::pair<std::string, std::vector<std::string>>>{
                 {"in order", {"alice", "ALICE", "bob"}},
                 {"out of order", {"zed", "alice", "bob", "Zed"}}}) {
            CAPTURE(name);
            std::vector<DeclaredUser> users;
            for (const auto& l : logins)
                users.push_back({l, "X", "Default"});
            std::string file = s.write("twice.yaml", declaration("acme", users));
            Result r = s.run({"plan", "-f", file});
            CHECK(r.code == 5);
            CHECK(r.err.find("of tenant acme is declared twice: at " + file + ":") !=
                  std::string::npos);
        }
    }
}

TEST_SUITE("scale") {

    // apply writes while it reads when it can (profiles before users, users in login
    // order); whatever it meets, the result is what plan said, and a declaration with
    // problems writes nothing.
    TEST_CASE("apply as it reads does what plan says, and falls back when it cannot") {
        const std::string head = "tenants:\n  - tenant: acme\n";
        const std::string profiles =
            "    profiles:\n      - name: Default\n        default: "
            "true\n      - name: Experts\n        max_concurrent_chats: 5\n";
        auto users = [](std::vector<std::string> logins, const std::string& profile) {
            std::string out = "    users:\n";
            for (const auto& l : logins)
                out += "      - login: " + l + "\n        profile: " + profile + "\n";
            return out;
        };
        struct Case {
            std::string name, text;
        };
        const std::vector<Case> cases{
            {"in order, profiles first", head + profiles + users({"ann", "bob", "cy"}, "Experts")},
            {"out of order", head + profiles + users({"cy", "ann", "bob"}, "Experts")},
            {"profiles after users", head + users({"ann", "bob"}, "Experts") + profiles},
            {"display name after users",
             head + profiles + users({"ann"}, "Default") + "    display_name: Acme\n"},
            {"a tenant without users, then one with",
             head + profiles + "  - tenant: beta\n" + users({"zoe"}, "Default")},
            {"two tenants in two lists", head + profiles + users({"ann"}, "Experts") +
                                             "  - tenant: beta\n" + users({"bob"}, "Default")}};
        for (const auto& c : cases)
            for (std::string prune : {"--no-color", "--prune"}) {
                CAPTURE(c.name);
                CAPTURE(prune);
                Sandbox s;
                // A store with something to change: users to keep and to prune, profiles
                // to change, a tenant to leave alone.
                s.ok({"-q", "tenant", "create", "acme"});
                s.ok({"-q", "profile", "add", "Experts", "-t", "acme"});
                s.ok({"-q", "user", "add", "bob", "-t", "acme", "--name", "Bob"});
                s.ok({"-q", "user", "add", "zed", "-t", "acme"});
                s.ok({"-q", "tenant", "create", "other"});
                std::string file = s.write("d.yaml", c.text);
                Json plan = s.run({"plan", prune, "-f", file, "-o", "json"}).json();
                Result applied = s.run({"apply", prune, "-f", file, "-o", "json"});
                REQUIRE(applied.code == 0);
                CHECK(as_plan(applied) == plan);
                CHECK(s.run({"-q", "plan", prune, "-f", file}).code == 0); // in sync now
                std::string again = s.dump();
                CHECK(s.run({"apply", prune, "-f", file, "-o", "table"}).out == "No changes.\n");
                CHECK(s.dump() == again);
            }
    }

    TEST_CASE("apply as it reads writes nothing when a problem comes late") {
        Sandbox s;
        s.ok({"-q", "tenant", "create", "acme"});
        const std::string before = s.dump();
        s.write("d/1.yaml", "tenants:\n  - tenant: acme\n    users:\n"
                            "      - login: ann\n      - login: bob\n");
        for (const auto& [name, second] : std::vector<std::pair<std::string, std::string>>{
                 {"a second file with an error", "tenants:\n  - tenant: beta\n    users:\n"
                                                 "      - login: zoe\n        profile: Nowhere\n"},
                 {"a key after the users that the schema refuses",
                  "tenants:\n  - tenant: beta\n    users:\n      - login: zoe\n    colour: red\n"},
                 {"the same tenant twice", "tenants:\n  - tenant: acme\n    users: []\n"}}) {
            CAPTURE(name);
            s.write("d/2.yaml", second);
            Result r = s.run({"apply", "-f", s.dir() + "/d"});
            CHECK(r.code == 5);
            CHECK(r.out.empty());
            CHECK(s.dump() == before);
        }
    }

    TEST_CASE("apply as it reads never waits for another writer's lock to refuse") {
        Sandbox s;
        s.ok({"-q", "tenant", "create", "acme"});
        auto other = std::make_unique<LockHolder>(s); // another writer, in the middle of its write
        // A declaration wrong in itself is refused without the store's lock.
        std::string bad = s.write("bad.yaml", "tenants:\n  - tenant: acme\n    users:\n"
                                              "      - login: ann\n        colour: red\n");
        std::string good = s.write("good.yaml", "tenants:\n  - tenant: acme\n    users:\n"
                                                "      - login: ann\n");
        CHECK(s.run({"apply", "--lock-timeout", "0", "-f", bad}).code == 5);
        CHECK(s.run({"apply", "--lock-timeout", "0", "-f", good}).code == 6);
        other.reset();
        CHECK(s.run({"-q", "apply", "--lock-timeout", "0", "-f", good}).code == 0);
    }

    TEST_CASE("apply as it reads hands a prune that deletes profiles to the ordinary path") {
        Sandbox s;
        s.ok({"-q", "tenant", "create", "acme"});
        s.ok({"-q", "profile", "add", "Old", "-t", "acme"});
        s.ok({"-q", "user", "add", "ann", "-t", "acme", "--profile", "Old"});
        std::string keep = s.write("keep.yaml", "tenants:\n  - tenant: acme\n    profiles:\n"
                                                "      - name: Default\n    users:\n"
                                                "      - login: ann\n");
        Result r = s.run({"apply", "--prune", "-f", keep});
        CHECK(r.code == 4); // ann would stay on Old
        CHECK(r.err.find("which would still have 1 user") != std::string::npos);
        std::string move = s.write("move.yaml", "tenants:\n  - tenant: acme\n    profiles:\n"
                                                "      - name: Default\n    users:\n"
                                                "      - login: ann\n        profile: Default\n");
        Json plan = s.run({"plan", "--prune", "-f", move, "-o", "json"}).json();
        Result applied = s.run({"apply", "--prune", "-f", move, "-o", "json"});
        REQUIRE(applied.code == 0);
        CHECK(as_plan(applied) == plan);
        CHECK(plan["summary"]["delete"] == 1);
    }
}
