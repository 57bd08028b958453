// One run tells everything: every error of a folder of declarations at once, read once
// per file, at the right character; plans that read right; one meaning for an empty
// text; and read commands that leave the store's folder as they found it.
#include "core/store/sqlite/schema.hpp"
#include "harness.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <set>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

std::set<std::string> folder(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.insert(e.path().filename().string());
    return names;
}

} // namespace

TEST_SUITE("reporting") {

    TEST_CASE("one plan of a folder reports every error that does not depend on another") {
        Sandbox s;
        s.ok({"tenant", "create", "bravo"});
        s.ok({"user", "add", "zoe", "-t", "bravo"});
        s.write("decl/10-alpha.yaml", "tenants:\n  - tenant: alpha\n    bogus: 1\n");
        s.write("decl/20-bravo.yaml",
                "tenants:\n  - tenant: bravo\n    users:\n      - login: ann\n"
                "        profile: Exprts\n");
        s.write("decl/30-charlie.yaml",
                "tenants:\n  - tenant: charlie\n    profiles:\n      - name: A\n"
                "        default: true\n      - name: B\n        default: true\n");
        s.write("decl/40-delta.yaml",
                "tenants:\n  - tenant: delta\n    profiles:\n      - name: Experts\n"
                "        default: true\n");
        s.write("decl/50-echo.yaml",
                "tenants:\n  - tenant: bravo\n    profiles:\n      - name: Default\n"
                "        default: true\n    users: []\n");
        std::string before = s.dump();
        for (const char* verb : {"plan", "apply"}) {
            Result r = s.run({verb, "-f", s.dir() + "/decl", "--prune"});
            CAPTURE(verb);
            CHECK(r.code == 5);
            CHECK(r.err.find("10-alpha.yaml:3:5: error: unknown key \"bogus\"") !=
                  std::string::npos);
            CHECK(r.err.find("20-bravo.yaml:2:5: error: tenant \"bravo\" is declared twice") ==
                  std::string::npos);
            CHECK(r.err.find("50-echo.yaml:2:5: error: tenant \"bravo\" is declared twice") !=
                  std::string::npos);
            CHECK(r.err.find(
                      "30-charlie.yaml:7:18: error: tenant charlie has two default profiles") !=
                  std::string::npos);
            CHECK(r.err.find("3 errors; nothing was written") != std::string::npos);
            CHECK(s.dump() == before);
        }
        // Without the duplicate, the store error of bravo shows beside the others.
        fs::remove(s.dir() + "/decl/50-echo.yaml");
        Result r = s.run({"plan", "-f", s.dir() + "/decl"});
        CHECK(r.code == 5);
        CHECK(r.err.find("10-alpha.yaml:3:5:") != std::string::npos);
        CHECK(r.err.find("20-bravo.yaml:5:18: error: profile \"Exprts\" exists nowhere") !=
              std::string::npos);
        CHECK(r.err.find("30-charlie.yaml:7:18:") != std::string::npos);
        CHECK(r.err.find("3 errors") != std::string::npos);
        CHECK(!fs::exists(s.dir() + "/other.db"));
        // A missing path is reported with them, not alone.
        Result more = s.run({"plan", "-f", s.dir() + "/decl", "-f", s.dir() + "/none.yaml"});
        CHECK(more.err.find("none.yaml: error: cannot read") != std::string::npos);
        CHECK(more.err.find("4 errors") != std::string::npos);
    }

    TEST_CASE("a file named twice is read once; editors' files in a folder are skipped") {
        Sandbox s;
        std::string acme = s.write("decl/10-acme.yaml",
                                   "tenants:\n  - tenant: acme\n    users:\n      - login: ann\n");
        s.write("decl/.#10-acme.yaml", "not: [yaml");
        s.write("decl/.10-acme.yaml.swp.yaml", "tenants: [{tenant: acme}]");
        s.write("decl/10-acme.yaml~", "tenants: [{tenant: acme}]");
        s.write("decl/old~.yml~", "x");
        Result r = s.run({"apply", "-f", s.dir() + "/decl", "-f", acme, "-f",
                          s.dir() + "/decl/../decl/10-acme.yaml"});
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK(r.out.find("Applied: 3 added") != std::string::npos);
        CHECK(s.run({"plan", "-f", acme, "-f", s.dir() + "/decl"}).code == 0);
        // A folder with only such files has nothing to read.
        s.write("empty/.hidden.yaml", "tenants: []\n");
        Result none = s.run({"plan", "-f", s.dir() + "/empty"});
        CHECK(none.code == 5);
        CHECK(none.err.find("the folder has no .yaml or .yml file") != std::string::npos);
    }

    TEST_CASE("columns count characters, not bytes") {
        Sandbox s;
        std::string f =
            s.write("d.yaml", "tenants:\n  - tenant: acme\n    display_name: \"Société 日本\"\n"
                              "    users: [{login: \"日本語\", name: \"Zoë\", x: 1}]\n");
        Result r = s.run({"plan", "-f", f});
        CHECK(r.code == 5);
        // 4 spaces, `users: [{` -> `login` at 14, its value at 21; `x` at 41 (43 in bytes).
        CHECK(r.err.find("d.yaml:4:21: error: login:") != std::string::npos);
        CHECK(r.err.find("d.yaml:4:41: error: unknown key \"x\"") != std::string::npos);
        Result syntax = s.run({"plan", "-f", s.write("e.yaml", "tenants: [{tenant: \"é\", ]]\n")});
        CHECK(syntax.code == 5);
        CHECK(syntax.err.find("e.yaml:1:25:") != std::string::npos); // the `]` after `"é", `
    }

    TEST_CASE("an empty text means none in every input, and no store holds it") {
        Sandbox s;
        std::string f =
            s.write("d.yaml", "tenants:\n  - tenant: acme\n    display_name: \"\"\n    profiles:\n"
                              "      - name: Default\n        default: true\n"
                              "        description: \"\"\n    users:\n"
                              "      - login: ann\n        name: \"\"\n");
        s.ok({"apply", "-f", f});
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["display_name"].is_null());
        CHECK(s.ok({"profile", "show", "Default", "-t", "acme", "-o", "json"})
                  .json()["description"]
                  .is_null());
        CHECK(s.ok({"user", "show", "ann", "-t", "acme", "-o", "json"}).json()["name"].is_null());
        CHECK(s.run({"plan", "-f", f}).code == 0);
        std::string exported = s.ok({"export"}).out;
        CHECK(exported.find("\"\"") == std::string::npos);
        s.ok({"tenant", "create", "beta", "--display-name", ""});
        CHECK(s.ok({"tenant", "show", "beta", "-o", "json"}).json()["display_name"].is_null());
        // Raw SQL cannot store "" either.
        CHECK(!s.sql("UPDATE tenants SET display_name = '' WHERE key = 'acme'").empty());
        CHECK(!s.sql("UPDATE profiles SET description = ''").empty());
        CHECK(!s.sql("UPDATE users SET name = ''").empty());
        CHECK(!s.sql("UPDATE users SET email = ''").empty());
        CHECK(!s.sql("INSERT INTO users (tenant_id, login, name, profile_id) SELECT tenant_id, "
                     "'zed', '', profile_id FROM users")
                   .empty());
    }

    TEST_CASE("an older store's empty texts become none on upgrade [file]") {
        Sandbox s;
        {
            SQLite::Database db(s.db(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("BEGIN");
            db.exec(chatctl::sqlite::schema::migrations()[0]);
            db.exec(chatctl::sqlite::schema::migrations()[1]);
            db.exec("INSERT INTO tenants (id, key, display_name, default_profile_id) VALUES (1, "
                    "'old', '', 1);"
                    "INSERT INTO profiles (id, tenant_id, name, description) VALUES (1, 1, "
                    "'Default', '');"
                    "INSERT INTO users (tenant_id, login, name, profile_id) VALUES (1, 'ann', '', "
                    "1);"
                    "PRAGMA user_version = 2");
            db.exec("COMMIT");
        }
        s.ok({"user", "add", "ben", "-t", "old"});
        SQLite::Database db(s.db(), SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("SELECT count(*) FROM tenants WHERE display_name IS NULL").getInt() ==
              1);
        CHECK(db.execAndGet("SELECT count(*) FROM profiles WHERE description IS NULL").getInt() ==
              1);
        CHECK(db.execAndGet("SELECT count(*) FROM users WHERE name IS NULL").getInt() == 2);
    }

    TEST_CASE("plans read right: quoted keys, every field of a new object, what apply did") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        Result add = s.ok({"profile", "add", "Night shift", "-t", "acme", "--max-chats", "4"});
        CHECK(add.out == "+ profile acme/\"Night shift\"  default=false max_concurrent_chats=4 "
                         "wrap_up_seconds=60 description=null\n");
        Result user = s.ok({"user", "add", "ann", "-t", "acme"});
        CHECK(user.out == "+ user acme/ann  name=null email=null profile=Default\n");
        CHECK(s.ok({"profile", "add", "a=b", "-t", "acme"}).out.find("+ profile acme/\"a=b\"  ") ==
              0);
        std::string f = s.write("d.yaml", "tenants:\n  - tenant: acme\n    profiles:\n"
                                          "      - name: Default\n        default: true\n"
                                          "      - name: \"Say \\\"hi\\\"\"\n    users:\n"
                                          "      - login: bob\n");
        Result plan = s.run({"plan", "-f", f, "--prune"});
        CHECK(plan.code == 2);
        CHECK(plan.out.find("+ profile acme/\"Say \\\"hi\\\"\"") != std::string::npos);
        CHECK(plan.out.find("Plan: 2 to add, 0 to change, 3 to destroy.\n") != std::string::npos);
        Result dry = s.ok({"apply", "--dry-run", "-f", f, "--prune"});
        CHECK(dry.out == plan.out);
        Result apply = s.ok({"apply", "-f", f, "--prune"});
        CHECK(apply.out.find("Plan:") == std::string::npos);
        CHECK(apply.out.substr(0, apply.out.rfind("Applied:")) ==
              plan.out.substr(0, plan.out.rfind("Plan:")));
        CHECK(apply.out.find("Applied: 2 added, 0 changed, 3 destroyed.\n") != std::string::npos);
    }

    TEST_CASE("read commands leave the store's folder as they found it") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"user", "add", "a", "-t", "acme"});
        std::string decl = s.write("decl.yaml", "tenants:\n  - tenant: acme\n");
        const auto files = folder(s.dir());
        CHECK(!files.count("store.db-wal")); // the last writer out removed them
        std::string bytes = s.bytes();
        for (const auto& args :
             std::vector<std::vector<std::string>>{{"tenant", "list"},
                                                   {"tenant", "show", "acme"},
                                                   {"profile", "list", "-t", "acme"},
                                                   {"profile", "show", "Default", "-t", "acme"},
                                                   {"user", "list", "-t", "acme"},
                                                   {"user", "show", "a", "-t", "acme"},
                                                   {"history"},
                                                   {"export"},
                                                   {"plan", "-f", decl},
                                                   {"apply", "--dry-run", "-f", decl},
                                                   {"user", "show", "nobody", "-t", "acme"}}) {
            CAPTURE(args[0]);
            s.run(args);
            CHECK(folder(s.dir()) == files);
            CHECK(s.bytes() == bytes);
        }
    }
}
