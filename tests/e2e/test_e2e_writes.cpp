// Every write says its change number (`Change N committed.` on stderr, `change` in its
// JSON and YAML), `revert last` undoes the newest, and `--dry-run` on every write command
// prints the plan it would write and writes nothing.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <functional>
#include <yaml-cpp/yaml.h>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

const char* const kDecl = "tenants:\n"
                          "  - tenant: acme\n"
                          "    profiles:\n"
                          "      - name: Default\n"
                          "        default: true\n"
                          "      - name: Experts\n"
                          "        max_concurrent_chats: 5\n"
                          "    users:\n"
                          "      - login: alice\n"
                          "        profile: Experts\n"
                          "      - login: bob\n";

// A store holding acme, its two profiles and two users: change 1.
void set_up(const Sandbox& s) {
    s.ok({"apply", "-q", "-f", s.write("acme.yaml", kDecl)});
}

// Every write command, each changing the store set_up leaves.
std::vector<std::vector<std::string>> every_write(const Sandbox& s) {
    const std::string logins = s.write("logins.txt", "alice\n");
    const std::string csv = s.write("agents.csv", "login,name\ncarol,Carol\nalice,Alice\n");
    const std::string decl = s.write("more.yaml", std::string(kDecl) + "      - login: dan\n");
    return {{"tenant", "create", "beta"},
            {"tenant", "edit", "acme", "--display-name", "ACME"},
            {"tenant", "delete", "acme", "--force"},
            {"profile", "add", "Night", "-t", "acme", "--wrap-up", "0"},
            {"profile", "edit", "Default", "-t", "acme", "--wrap-up", "90s"},
            {"profile", "set-default", "Experts", "-t", "acme"},
            {"profile", "delete", "Experts", "-t", "acme", "--reassign-to", "Default"},
            {"user", "add", "carol", "-t", "acme"},
            {"user", "edit", "alice", "-t", "acme", "--name", "Alice"},
            {"user", "assign", "bob", "-t", "acme", "--profile", "Experts"},
            {"user", "assign", "--from-profile", "Experts", "-t", "acme", "--profile", "Default"},
            {"user", "delete", "alice", "-t", "acme"},
            {"user", "delete", "--all", "-t", "acme"},
            {"user", "delete", "--from-profile", "Experts", "-t", "acme"},
            {"user", "delete", "--logins-from", logins, "-t", "acme"},
            {"user", "import", "-t", "acme", csv},
            {"apply", "-f", decl},
            {"revert", "1"},
            {"revert", "last"}};
}

std::string joined(const std::vector<std::string>& args) {
    std::string out;
    for (const auto& a : args)
        out += a + " ";
    return out;
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

constexpr size_t kWrites = 19; // every_write's size

// Runs check on each write (and its index), each in a store of its own as set_up leaves it.
void each_write(
    const std::function<void(const Sandbox&, const std::vector<std::string>&, size_t)>& check) {
    for (size_t i = 0; i < kWrites; ++i) {
        Sandbox s;
        set_up(s);
        const auto args = every_write(s).at(i);
        INFO("chatctl " << joined(args));
        check(s, args, i);
    }
}

int64_t history_entries(const Sandbox& s) {
    return std::stoll(s.query("SELECT " + history_entries_sql() + " FROM history")[0][0]);
}

} // namespace

TEST_SUITE("writes") {

    TEST_CASE("--dry-run on every write prints the plan the write then writes, and writes "
              "nothing") {
        each_write([](const Sandbox& s, const std::vector<std::string>& args, size_t) {
            const std::string dump = s.dump(), bytes = s.bytes();
            const int64_t entries = history_entries(s);
            Result dry = s.run(with(args, {"--dry-run", "-o", "json"}));
            INFO("stderr: " << dry.err);
            REQUIRE(dry.code == 0);
            const Json plan = dry.json();
            CHECK(plan["changes"].size() > 0);
            CHECK(!plan.contains("change")); // nothing committed: a plan, as `plan` prints
            CHECK(dry.err.find("committed") == std::string::npos);
            Result table = s.run(with(args, {"--dry-run"}));
            CHECK(table.code == 0);
            CHECK(table.out.find("\nPlan: ") != std::string::npos);
            CHECK(s.dump() == dump);
            CHECK(s.bytes() == bytes);
            CHECK(history_entries(s) == entries);
            // The write itself then writes exactly that plan.
            Result real = s.run(with(args, {"-o", "json"}));
            INFO("stderr: " << real.err);
            REQUIRE(real.code == 0);
            CHECK(real.json()["changes"] == plan["changes"]);
            CHECK(s.dump() != dump);
        });
    }

    TEST_CASE("every committed write says its change number: last on stderr, at the top of its "
              "document") {
        each_write([](const Sandbox& s, const std::vector<std::string>& args, size_t i) {
            Result r = s.run(with(args, {"-o", i % 2 == 0 ? "json" : "yaml"}));
            INFO("stderr: " << r.err);
            REQUIRE(r.code == 0);
            const std::string said = "Change 2 committed.\n";
            CHECK(r.err.size() >= said.size());
            CHECK(r.err.compare(r.err.size() - said.size(), said.size(), said) == 0);
            if (i % 2 == 0) {
                const Json j = r.json();
                CHECK(j["change"] == 2);
                CHECK(j["changes"].size() == j["summary"]["create"].get<size_t>() +
                                                 j["summary"]["update"].get<size_t>() +
                                                 j["summary"]["delete"].get<size_t>());
            } else {
                const YAML::Node y = YAML::Load(r.out);
                CHECK(y["change"].as<int64_t>() == 2);
                CHECK(y["changes"].size() > 0);
            }
            // The number is the one history gives the change.
            CHECK(s.ok({"history", "--change", "2", "--all", "-o", "json"}).json().size() > 0);
        });
    }

    TEST_CASE("the change number in table form, and nothing with -q") {
        Sandbox s;
        Result r = s.run({"tenant", "create", "acme"});
        CHECK(r.code == 0);
        CHECK(r.err.rfind("created store ", 0) == 0);
        CHECK(r.err.find("\nChange 1 committed.\n") == r.err.size() - 21);
        r = s.run({"profile", "add", "Night", "-t", "acme"});
        CHECK(r.out.rfind("+ profile acme/Night", 0) == 0);
        CHECK(r.err == "Change 2 committed.\n");
        r = s.run({"-q", "profile", "add", "Day", "-t", "acme"});
        CHECK((r.code == 0 && r.out.empty() && r.err.empty()));
        r = s.run({"apply", "-f", s.write("a.yaml", kDecl)});
        CHECK(r.code == 0);
        CHECK(r.out.find("Applied: ") != std::string::npos);
        CHECK(r.err == "Change 4 committed.\n");
        // A write that changes nothing commits nothing: no number, `change: null`.
        r = s.run({"profile", "set-default", "Default", "-t", "acme", "-o", "json"});
        CHECK(r.code == 0);
        CHECK(r.err.empty());
        CHECK(r.json()["change"].is_null());
        r = s.run({"apply", "-f", s.write("a.yaml", kDecl)});
        CHECK(r.out == "No changes.\n");
        CHECK(r.err.empty());
    }

    TEST_CASE("a CI job reverts the change a write printed, and revert last the newest") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        const std::string before = s.ok({"export", "-o", "json"}).out;
        const int64_t change =
            s.ok({"apply", "-o", "json", "-f", s.write("a.yaml", kDecl)}).json()["change"];
        CHECK(change == 2);
        s.ok({"revert", std::to_string(change)});
        CHECK(s.ok({"export", "-o", "json"}).out == before);
        // last: the revert itself (change 3), which applies change 2 again.
        Result r = s.run({"revert", "last", "-o", "json"});
        CHECK(r.code == 0);
        CHECK(r.json()["change"] == 4);
        CHECK(r.err == "chatctl: reverting change 3, the newest\nChange 4 committed.\n");
        CHECK(s.ok({"history", "--change", "4", "-o", "json"}).json()[0]["command"] == "revert 3");
        CHECK(s.ok({"user", "list", "-t", "acme", "-o", "json"}).json().size() == 2);
        r = s.run({"revert", "LAST", "--dry-run", "-q"}); // a choice ignores case
        CHECK((r.code == 0 && r.out.empty() && r.err.empty()));
        // Bad input: not a number nor last.
        expect_refused(s, {"revert", "lastt"}, 5, "CHANGE");
        expect_refused(s, {"revert", "0"}, 5, "CHANGE");
        expect_refused(s, {"revert", "99"}, 3, "change 99 not found");
    }

    TEST_CASE("revert last with no change in history is not found") {
        Sandbox s;
        s.ok({"store", "init"});
        expect_refused(s, {"revert", "last"}, 3, "no change to revert");
        expect_refused(s, {"revert", "last", "--dry-run"}, 3, "no change to revert");
    }

    TEST_CASE("--dry-run refuses what the write refuses, and creates no store") {
        Sandbox s;
        Result r = s.run({"tenant", "create", "acme", "--dry-run"});
        CHECK(r.code == 0);
        CHECK(r.out.rfind("+ tenant acme", 0) == 0);
        CHECK(r.err.empty()); // no store created, so none said to be
        if (!on_postgres()) CHECK(s.bytes().empty());
        const std::string empty = s.dump();
        CHECK(s.run({"tenant", "list"}).code == 6); // still no store to read
        CHECK(s.dump() == empty);
        expect_refused(s, {"tenant", "edit", "acme", "--display-name", "A", "--dry-run"}, 3,
                       "not found");
        set_up(s);
        expect_refused(s, {"tenant", "create", "acme", "--dry-run"}, 4, "already exists");
        expect_refused(s, {"profile", "delete", "Default", "-t", "acme", "--dry-run"}, 4,
                       "default");
        expect_refused(s, {"user", "add", "x", "-t", "nope", "--dry-run"}, 3, "not found");
        expect_refused(s, {"profile", "add", "P", "-t", "acme", "--max-chats", "99", "--dry-run"},
                       5, "--max-chats");
        expect_refused(s, {"user", "delete", "ghost", "-t", "acme", "--dry-run"}, 3, "ghost");
        r = s.run({"profile", "set-default", "Default", "-t", "acme", "--dry-run"});
        CHECK((r.code == 0 && r.out == "No changes.\n"));
    }

    TEST_CASE("--dry-run on a missing store file leaves its folder empty [file]") {
        Sandbox s;
        const std::string folder = s.dir() + "/empty";
        fs::create_directory(folder);
        const std::string csv = s.write("a.csv", "login\nann\n");
        Result r =
            s.run({"--db", folder + "/new.db", "user", "import", "-t", "acme", csv, "--dry-run"},
                  {}, "", true);
        CHECK(r.code == 3); // no tenant acme in an empty store
        r = s.run({"--db", folder + "/new.db", "tenant", "create", "acme", "--dry-run"}, {}, "",
                  true);
        CHECK(r.code == 0);
        CHECK(fs::is_empty(folder));
    }

    TEST_CASE("--dry-run on an older store plans as the write would, and leaves it as it was "
              "[file]") {
        Sandbox s;
        write_version1_store(s);
        const std::string bytes = s.bytes();
        Result dry = s.run({"user", "add", "ben", "-t", "old", "--dry-run", "-o", "json"});
        INFO("stderr: " << dry.err);
        REQUIRE(dry.code == 0);
        CHECK(s.bytes() == bytes); // not even upgraded
        Result real = s.run({"user", "add", "ben", "-t", "old", "-o", "json"});
        REQUIRE(real.code == 0);
        CHECK(real.json()["changes"] == dry.json()["changes"]);
        CHECK(real.json()["change"] == 1);
    }

    TEST_CASE("a dry run checks its plan under the write lock, as the write would") {
        Sandbox s;
        set_up(s);
        LockHolder holder(s);
        expect_refused(s, {"tenant", "create", "beta", "--dry-run", "--lock-timeout", "0"}, 6,
                       "is locked by another writer");
        // plan and apply --dry-run read a snapshot: they never wait.
        const std::string decl = s.write("b.yaml", std::string(kDecl) + "      - login: dan\n");
        CHECK(s.run({"apply", "-f", decl, "--dry-run", "--lock-timeout", "0"}).code == 0);
    }
}

TEST_SUITE("writes") {

    // Updates of users are written a batch at a time (1,024), as creates and deletes are:
    // each field, NULLs included, in two tenants, around a rename written alone and the
    // creates and deletes of the same set, with history in the order the plan gave.
    TEST_CASE("updates of many users in one apply land whole, in their order") {
        Sandbox s;
        auto declaration = [](int variant) {
            std::string out;
            for (const char* tenant : {"one", "two"}) {
                out += std::string("  - tenant: ") + tenant +
                       "\n    profiles:\n      - name: Default\n        default: true\n"
                       "      - name: Experts\n    users:\n";
                for (int i = 0; i < 1300; ++i) {
                    std::string login = "u" + std::to_string(i);
                    if (variant && i == 7) login = "renamed7"; // a delete and a create
                    if (variant && i == 8) login = "U8";       // a change of case: a rename
                    out += "      - login: " + login + "\n";
                    if (!(variant && i % 2 == 0))
                        out += "        name: Name " + std::to_string(i) + "\n";
                    out += "        email: " + login + (variant && i % 3 == 0 ? "@new" : "@old") +
                           ".example\n";
                    out += std::string("        profile: ") +
                           (variant && i % 5 == 1 ? "Experts" : "Default") + "\n";
                }
            }
            return "tenants:\n" + out;
        };
        const std::string before = s.write("before.yaml", declaration(0));
        const std::string after = s.write("after.yaml", declaration(1));
        s.ok({"apply", "-q", "-f", before});
        const Json plan = s.run({"plan", "--prune", "-o", "json", "-f", after}).json();
        s.ok({"apply", "-q", "--prune", "-f", after});
        CHECK(s.run({"plan", "-f", after}).code == 0);
        // History holds each change of the plan once, in the plan's order.
        const Json history = s.ok({"history", "--change", "2", "--all", "-o", "json"}).json();
        std::vector<std::string> planned, recorded;
        for (const auto& c : plan["changes"])
            planned.push_back(c["action"].get<std::string>() + " " +
                              c["tenant"].get<std::string>() + "/" + c["key"].get<std::string>());
        for (auto it = history.rbegin(); it != history.rend(); ++it)
            recorded.push_back((*it)["action"].get<std::string>() + " " +
                               (*it)["tenant"].get<std::string>() + "/" +
                               (*it)["key"].get<std::string>());
        CHECK(planned.size() > 1300);
        CHECK(recorded == planned);
        const Json u4 = s.ok({"history", "-t", "two", "--key", "u4", "-o", "json"}).json();
        REQUIRE(u4.size() == 2);
        CHECK(u4[0]["before"]["name"] == "Name 4");
        CHECK(u4[0]["after"]["name"].is_null());
        CHECK(u4[0]["after"]["profile"] == "Default");
        // And back, by revert: the store as the first apply left it.
        s.ok({"revert", "last"});
        CHECK(s.run({"plan", "--prune", "-f", before}).code == 0);
    }
}
