// chatctl apply, plan and export: the fixtures, idempotence, prune, defaults, files.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

const std::string kSource = CHATCTL_SOURCE_DIR;
const std::string kAcme = kSource + "/examples/acme.yaml";

// Runs from the fixtures folder, so that diagnostics name files as the .expect files do.
struct InFixtures {
    fs::path old = fs::current_path();
    InFixtures() { fs::current_path(kSource + "/tests/fixtures"); }
    ~InFixtures() { fs::current_path(old); }
};

} // namespace

TEST_SUITE("declaration") {

    TEST_CASE("every invalid fixture is refused with its exact diagnostics, and writes nothing") {
        InFixtures here;
        Sandbox s;
        s.ok({"tenant", "create", "seed"});
        int checked = 0;
        for (const char* dir : {"schema-invalid", "rejected"}) {
            for (const auto& entry : fs::directory_iterator(dir)) {
                if (entry.path().extension() != ".yaml") continue;
                std::string file = std::string(dir) + "/" + entry.path().filename().string();
                CAPTURE(file);
                std::string expected = slurp(fs::path(file).replace_extension(".expect").string());
                REQUIRE(!expected.empty());
                for (const char* command : {"plan", "apply"}) {
                    std::string before = s.bytes();
                    Result r = s.run({command, "-f", file});
                    CHECK(r.code == 5);
                    CHECK(r.out.empty());
                    CHECK(r.err.rfind(expected, 0) ==
                          0); // the diagnostics, in order, then the summary
                    CHECK(r.err.find("chatctl: error: ") != std::string::npos);
                    CHECK(r.err.find("; nothing was written") != std::string::npos);
                    CHECK(s.bytes() == before);
                }
                ++checked;
            }
        }
        CHECK(checked >= 30);
    }

    TEST_CASE("errors are one JSON object with diagnostics under -o json") {
        InFixtures here;
        Sandbox s;
        Result r = s.run({"plan", "-f", "schema-invalid/several-errors.yaml", "-o", "json"});
        CHECK(r.code == 5);
        Json e = r.err_json()["error"];
        CHECK(e["kind"] == "invalid_input");
        CHECK(e["exit_code"] == 5);
        REQUIRE(e["diagnostics"].size() == 3);
        CHECK(e["diagnostics"][0] == Json::parse(R"({"file":"schema-invalid/several-errors.yaml",
        "line":3,"column":5,"message":"unknown key \"profile\"; did you mean \"profiles\"?"})"));
    }

    TEST_CASE("the examples are valid, and apply then show their result") {
        Sandbox s;
        for (const auto& entry : fs::directory_iterator(kSource + "/examples")) {
            if (entry.path().extension() != ".yaml") continue;
            CAPTURE(entry.path());
            Result r = s.run({"apply", "-f", entry.path().string()});
            CHECK(r.code == 0);
            CHECK(s.run({"plan", "-f", entry.path().string()}).code == 0);
        }
        Json alice = s.ok({"user", "show", "alice", "-t", "acme", "-o", "json"}).json();
        CHECK(alice["profile"].is_string());
    }

    TEST_CASE("a second apply changes nothing: same bytes, same history") {
        Sandbox s;
        Result first = s.ok({"apply", "-f", kAcme});
        CHECK(first.out.find("Applied: 5 added, 0 changed, 0 destroyed.") != std::string::npos);
        std::string bytes = s.bytes();
        std::string dump = s.dump();
        Result second = s.ok({"apply", "-f", kAcme});
        CHECK(second.out == "No changes.\n");
        CHECK(s.bytes() == bytes);
        CHECK(s.dump() == dump);
        Json h = s.ok({"history", "-o", "json"}).json();
        CHECK(h.size() == 5);
        for (const auto& e : h)
            CHECK(e["command"] == "apply");
    }

    TEST_CASE("plan exits 2 with changes pending and 0 in sync; it and --dry-run write nothing") {
        Sandbox s;
        Result missing = s.run({"plan", "-f", kAcme});
        CHECK(missing.code == 2);
        CHECK(!fs::exists(s.db())); // planned as an empty store, nothing created
        Result dry = s.run({"apply", "--dry-run", "-f", kAcme});
        CHECK(dry.code == 0);
        CHECK(dry.out == missing.out);
        CHECK(!fs::exists(s.db()));
        s.ok({"tenant", "create", "other"});
        std::string bytes = s.bytes();
        CHECK(s.run({"plan", "-f", kAcme}).code == 2);
        CHECK(s.run({"apply", "--dry-run", "-f", kAcme}).code == 0);
        CHECK(s.bytes() == bytes);
        s.ok({"apply", "-f", kAcme});
        Result in_sync = s.run({"plan", "-f", kAcme});
        CHECK(in_sync.code == 0);
        CHECK(in_sync.out == "No changes.\n");
        Result quiet = s.run({"plan", "-q", "-f", kAcme});
        CHECK(quiet.code == 0);
        CHECK(quiet.out.empty());
    }

    TEST_CASE("apply -o json prints the plan it applied, as plan -o json does, and its change") {
        Sandbox s;
        Json planned = s.run({"plan", "-f", kAcme, "-o", "json"}).json();
        Result apply = s.ok({"apply", "-f", kAcme, "-o", "json"});
        Json applied = apply.json();
        CHECK(applied["change"] == 1);
        CHECK(planned == as_plan(apply));
        CHECK(applied["format_version"] == "1");
        CHECK(applied["summary"] == Json::parse(R"({"create":5,"update":0,"delete":0})"));
        CHECK(applied["changes"][0] ==
              Json::parse(R"({"action":"create","kind":"tenant","tenant":"acme",
        "key":"acme","before":null,"after":{"tenant":"acme","display_name":"ACME Corp",
        "owner":null}})"));
    }

    TEST_CASE("a profile renamed by case alone: plan is what apply records, users included") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "add", "Night", "-t", "acme"});
        s.ok({"user", "add", "bob", "-t", "acme", "--profile", "Night"});
        s.ok({"user", "add", "cy", "-t", "acme", "--profile", "Night"});
        // bob names the profile by its new spelling, cy leaves his profile out.
        std::string decl = s.write("n.yaml", "tenants:\n  - tenant: acme\n    profiles:\n"
                                             "      - name: Default\n      - name: night\n"
                                             "    users:\n      - login: bob\n"
                                             "        profile: night\n      - login: cy\n"
                                             "        name: Cy\n");
        Json planned = s.run({"plan", "-f", decl, "-o", "json"}).json();
        Json applied = s.ok({"apply", "-f", decl, "-o", "json"}).json();
        CHECK(planned["changes"] == applied["changes"]);
        REQUIRE(planned["changes"].size() == 2);
        CHECK(planned["changes"][0]["after"]["name"] == "night");
        CHECK(planned["changes"][1]["key"] == "cy");
        CHECK(planned["changes"][1]["before"]["profile"] == "night");
        CHECK(planned["changes"][1]["after"]["profile"] == "night");
        Json h = s.ok({"history", "--change", "5", "-o", "json"}).json();
        REQUIRE(h.size() == 2);
        CHECK(h[0]["before"] == planned["changes"][1]["before"]);
        CHECK(h[0]["after"] == planned["changes"][1]["after"]);
        CHECK(s.run({"plan", "-f", decl}).code == 0);
    }

    TEST_CASE("the human plan hides unchanged fields and aligns the objects") {
        Sandbox s;
        s.ok({"apply", "-f", kAcme});
        std::string changed = s.write("c.yaml", R"(tenants:
  - tenant: acme
    display_name: ACME Corp
    profiles:
      - name: Default
        default: true
        wrap_up_seconds: 90
      - name: Experts
        max_concurrent_chats: 5
        wrap_up_seconds: 120
        description: Level-2 agents
    users:
      - login: alice
        profile: Default
)");
        Result r = s.run({"plan", "--prune", "-f", changed});
        CHECK(r.code == 2);
        // Users come in login order, deleted or not: the order both indexes walk them in.
        CHECK(r.out == "~ profile acme/Default  wrap_up_seconds: 60 -> 90\n"
                       "~ user acme/alice       name: \"Alice Martin\" -> null, "
                       "email: alice@acme.example -> null, profile: Experts -> Default\n"
                       "- user acme/bob\n"
                       "Plan: 0 to add, 2 to change, 1 to destroy.\n");
    }

    TEST_CASE("undeclared tenants are never touched, not even by --prune") {
        Sandbox s;
        s.ok({"tenant", "create", "other"});
        s.ok({"user", "add", "x", "-t", "other"});
        s.ok({"apply", "--prune", "-f", kAcme});
        CHECK(s.ok({"user", "list", "-t", "other", "-o", "json"}).json().size() == 1);
    }

    TEST_CASE("--prune deletes what managed sections leave out, and refuses to break a rule") {
        Sandbox s;
        s.ok({"apply", "-f", kAcme});
        s.ok({"user", "add", "extra", "-t", "acme", "--profile", "Experts"});
        s.ok({"profile", "add", "Unused", "-t", "acme"});
        CHECK(s.run({"plan", "-f", kAcme}).code == 0); // without --prune nothing is deleted
        std::string no_experts = s.write("p.yaml", R"(tenants:
  - tenant: acme
    display_name: ACME Corp
    profiles:
      - name: Default
        default: true
)");
        std::string before = s.bytes();
        Result refused = s.run({"apply", "--prune", "-f", no_experts});
        CHECK(refused.code == 4);
        CHECK(refused.err.find("Experts") != std::string::npos);
        CHECK(refused.err.find("2 users") != std::string::npos);
        CHECK(s.bytes() == before);
        s.ok({"apply", "--prune", "-f", kAcme});
        CHECK(s.ok({"user", "list", "-t", "acme", "-o", "json"}).json().size() == 2);
        expect_refused(s, {"profile", "show", "Unused", "-t", "acme"}, 3);
    }

    TEST_CASE("-f takes several files, a folder in name order, and - for standard input") {
        Sandbox s;
        std::string a = s.write("d/b.yaml", "tenants:\n  - tenant: beta\n");
        s.write("d/a.yml", "tenants:\n  - tenant: alpha\n");
        s.write("d/ignored.txt", "not yaml");
        Result r = s.ok({"apply", "-f", s.dir() + "/d"});
        CHECK(r.out.find("+ tenant alpha") < r.out.find("+ tenant beta"));
        Result in = s.run({"apply", "-f", "-", "-f", kAcme}, {}, "tenants:\n  - tenant: gamma\n");
        CHECK(in.code == 0);
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json().size() == 4);
        // The same tenant in two files names both places.
        std::string twice = s.write("twice.yaml", "tenants:\n  - tenant: beta\n");
        Result dup = s.run({"plan", "-f", a, "-f", twice});
        CHECK(dup.code == 5);
        CHECK(dup.err.find(a + ":2:5") != std::string::npos);
        CHECK(dup.err.find(twice + ":2:5") != std::string::npos);
        Result gone = s.run({"plan", "-f", s.dir() + "/nope.yaml"});
        CHECK(gone.code == 5);
        CHECK(gone.err.find("nope.yaml: error: cannot read") != std::string::npos);
        fs::create_directories(s.dir() + "/empty");
        CHECK(s.run({"plan", "-f", s.dir() + "/empty"}).code == 5);
        CHECK(s.run({"plan"}).code == 64);
    }

    TEST_CASE("export: defaults and nulls left out, stable order, and round trips") {
        Sandbox s;
        s.ok({"apply", "-f", kSource + "/examples/multi-tenant.yaml"});
        std::string exported = s.ok({"export"}).out;
        const std::string modeline = "# yaml-language-server: $schema=file://";
        REQUIRE(exported.rfind(modeline, 0) == 0);
        const std::string body = exported.substr(exported.find('\n') + 1);
        CHECK(body.rfind("version: 1\ntenants:\n  - tenant: acme\n", 0) == 0);
        CHECK(body.find("default: false") == std::string::npos);
        CHECK(body.find("null") == std::string::npos);
        CHECK(body.find("max_concurrent_chats: 3\n") == std::string::npos);
        CHECK(body.find("wrap_up_seconds: 60\n") == std::string::npos);
        std::string file = s.write("e.yaml", exported);
        CHECK(s.run({"apply", "-f", file}).out == "No changes.\n");
        CHECK(s.run({"plan", "--prune", "-f", file}).code == 0);
        Sandbox fresh;
        fresh.ok({"apply", "-f", file});
        CHECK(fresh.ok({"export"}).out == exported);
        // --show-defaults: every field, `default:` on every profile; it round trips too.
        std::string full = s.ok({"export", "--show-defaults"}).out;
        CHECK(full.find("default: false") != std::string::npos);
        CHECK(full.find("description: null") != std::string::npos);
        CHECK(full.find("max_concurrent_chats: 3\n") != std::string::npos);
        std::string full_file = s.write("full.yaml", full);
        CHECK(s.run({"apply", "-f", full_file}).out == "No changes.\n");
        CHECK(s.run({"plan", "--prune", "-f", full_file}).code == 0);
        Sandbox fresh_full;
        fresh_full.ok({"apply", "-f", full_file});
        CHECK(fresh_full.ok({"export"}).out == exported);
        // -t filters (repeatable); JSON on request, without the YAML comment.
        Json one = s.ok({"export", "-t", "globex", "-o", "json"}).json();
        REQUIRE(one["tenants"].size() == 1);
        CHECK(one["tenants"][0]["users"][0]["login"] == "hank");
        CHECK(
            s.ok({"export", "-t", "globex", "-t", "acme", "-o", "json"}).json()["tenants"].size() ==
            2);
        expect_refused(s, {"export", "-t", "nope"}, 3);
        expect_refused(s, {"export", "-t", "Bad"}, 5);
        Sandbox none;
        CHECK(none.run({"export"}).code == 6);
    }

    TEST_CASE("export: a user on the default profile leaves it out; on another, names it") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "add", "Experts", "-t", "acme", "--max-chats", "5"});
        s.ok({"user", "add", "alice", "-t", "acme", "--profile", "Experts", "--name", "Alice"});
        s.ok({"user", "add", "bob", "-t", "acme"});
        Json users = s.ok({"export", "-o", "json"}).json()["tenants"][0]["users"];
        REQUIRE(users.size() == 2);
        CHECK(users[0] == Json{{"login", "alice"}, {"name", "Alice"}, {"profile", "Experts"}});
        CHECK(users[1] == Json{{"login", "bob"}});
        // Once Experts is the default, bob's profile (Default) is written, alice's is not;
        // applied anywhere, the file still puts each user where it is.
        s.ok({"profile", "set-default", "Experts", "-t", "acme"});
        users = s.ok({"export", "-o", "json"}).json()["tenants"][0]["users"];
        CHECK(users[0] == Json{{"login", "alice"}, {"name", "Alice"}});
        CHECK(users[1] == Json{{"login", "bob"}, {"profile", "Default"}});
        std::string file = s.write("e.yaml", s.ok({"export"}).out);
        Sandbox fresh;
        fresh.ok({"apply", "-f", file});
        CHECK(fresh.ok({"export"}).out == s.ok({"export"}).out);
        CHECK(fresh.ok({"user", "show", "bob", "-t", "acme", "-o", "json"}).json()["profile"] ==
              "Default");
    }

    TEST_CASE("export's modeline names the schema the binary has") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        std::string first = s.ok({"export"}).out;
        first = first.substr(0, first.find('\n'));
        const std::string prefix = "# yaml-language-server: $schema=file://";
        REQUIRE(first.rfind(prefix, 0) == 0);
        const std::string path = first.substr(prefix.size());
        CHECK(fs::equivalent(path, kSource + "/schemas/chatctl.schema.json"));
    }

    TEST_CASE("export --split DIR: one file per tenant, each the tenant's export, whole") {
        Sandbox s;
        s.ok({"apply", "-f", kSource + "/examples/multi-tenant.yaml"});
        const std::string dir = s.dir() + "/tenants";
        expect_refused(s, {"export", "--split", dir, "-t", "nope"}, 3);
        CHECK_FALSE(fs::exists(dir)); // nothing made before every tenant is found
        s.write("tenants/README", "kept\n");
        s.write("tenants/gone.yaml", "# a tenant deleted since: left as it is\n");
        Result r = s.run({"export", "--split", dir});
        REQUIRE(r.code == 0);
        CHECK(r.out.empty());
        CHECK(r.err.find("wrote 2 files in " + dir) != std::string::npos);
        for (const char* key : {"acme", "globex"})
            CHECK(slurp(dir + "/" + std::string(key) + ".yaml") == s.ok({"export", "-t", key}).out);
        CHECK(slurp(dir + "/README") == "kept\n");
        CHECK(fs::exists(dir + "/gone.yaml"));
        fs::remove(dir + "/gone.yaml");
        fs::remove(dir + "/README");
        CHECK(s.run({"plan", "--prune", "-f", dir}).code == 0); // the folder, read whole
        Sandbox fresh;
        fresh.ok({"apply", "-f", dir});
        CHECK(fresh.ok({"export"}).out == s.ok({"export"}).out);
        // -o json writes .json files; -q says nothing.
        Result json = s.run({"-q", "-o", "json", "export", "--split", dir, "-t", "acme"});
        REQUIRE(json.code == 0);
        CHECK(json.err.empty());
        CHECK(Json::parse(slurp(dir + "/acme.json"))["tenants"][0]["tenant"] == "acme");
        // A folder where a tenant's file would go, or a file where the folder would: refused.
        fs::create_directories(dir + "/x/acme.yaml");
        expect_refused(s, {"export", "--split", dir + "/x"}, 5, "it is a folder");
        CHECK(fs::is_empty(dir + "/x/acme.yaml"));
        s.write("plain", "x");
        expect_refused(s, {"export", "--split", s.dir() + "/plain"}, 5, "--split");
        expect_refused(s, {"export", "--split", ""}, 5, "--split");
    }

} // TEST_SUITE
