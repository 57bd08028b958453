// Each defect an outside attack found, tried again: errors about bytes that are not
// UTF-8, the actor, the history of a pruned default, reads of a store this user may not
// write, failed writes on a missing store, and numbers that are not whole. (The damaged
// stores are in test_e2e_damaged.cpp, the read/write race in test_e2e_race.cpp.)
#include "harness.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <algorithm>
#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace e2e;
namespace fs = std::filesystem;

// AddressSanitizer's allocator (quarantine, redzones, shadow) measures itself, not chatctl:
// peak memory is checked in the ordinary build, everything else in both.
const bool kMeasureMemory = !sanitized();

TEST_SUITE("defects") {

    TEST_CASE("an error about bytes that are not UTF-8 is one valid JSON object") {
        Sandbox s;
        struct Case {
            std::vector<std::string> args;
            int code;
            bool own_db = false;
        };
        for (const auto& c : std::vector<Case>{
                 {{"\xff", "-o", "json"}, 64},
                 {{"tenant", "list", "--db", "/nonexistent/\xff", "-o", "json"}, 6, true},
                 {{"apply", "-f", "nope\xff.yaml", "-o", "json"}, 5},
                 {{"tenant", "show", "ac\xffme", "-o", "json"}, 5},
                 {{"profile", "show", "P\xff", "-t", "acme", "-o", "json"}, 5}}) {
            Result r = s.run(c.args, {}, "", c.own_db);
            CAPTURE(c.code);
            CHECK(r.code == c.code);
            Json e = r.err_json(); // throws, failing the test, unless valid JSON
            CHECK(e["error"]["exit_code"] == c.code);
        }
    }

    TEST_CASE("the actor is checked like a name, and history never fails on what it holds") {
        Sandbox s;
        for (const std::string& actor :
             {std::string("\xc3"), std::string("a\tb"), std::string("line\nbreak"),
              std::string(201, 'a'), std::string()}) {
            CAPTURE(actor);
            Result env = s.run({"tenant", "create", "acme"}, {{"CHATCTL_ACTOR", actor}});
            CHECK(env.code == 5);
            CHECK(env.err.find("$CHATCTL_ACTOR") != std::string::npos);
            Result flag = s.run({"--actor", actor, "tenant", "create", "acme"});
            CHECK(flag.code == 5);
            CHECK(flag.err.find("--actor") != std::string::npos);
            CHECK(!fs::exists(s.db()));
        }
        s.ok({"--actor", std::string(200, 'a'), "tenant", "create", "acme"});
        s.ok({"--actor", "Zoë Ñ", "tenant", "create", "beta"});
        Json h = s.ok({"history", "-o", "json"}).json();
        CHECK(h[0]["actor"] == "Zoë Ñ");
        // Raw SQL cannot store an actor that would break history either.
        CHECK(!s.sql("UPDATE history SET actor = 'x' || char(0)").empty());
    }

    TEST_CASE("apply --prune that moves the default prints and records what plan said") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"user", "add", "bob", "-t", "acme"});
        std::string f =
            s.write("m.yaml", "tenants:\n  - tenant: acme\n    profiles:\n      - name: New\n"
                              "        default: true\n    users:\n      - login: bob\n"
                              "        profile: New\n");
        Result plan = s.run({"plan", "--prune", "-f", f, "-o", "json"});
        CHECK(plan.code == 2);
        Result apply = s.ok({"apply", "--prune", "-f", f, "-o", "json"});
        CHECK(as_plan(apply) == plan.json());
        Json history = s.ok({"history", "--limit", "3", "-o", "json"}).json();
        bool deleted = false, promoted = false;
        for (const auto& e : history) {
            if (e["action"] == "delete" && e["key"] == "Default") {
                deleted = true;
                CHECK(e["before"]["default"] == true);
            }
            if (e["key"] == "New") promoted = e["after"]["default"] == true;
        }
        CHECK(deleted);
        CHECK(promoted);
    }

    TEST_CASE("a store this user may not write: the committed state, or a store error [file]") {
        if (::geteuid() != 0) return; // needs another user to read as
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        std::string folder = s.dir() + "/ro";
        fs::create_directories(folder);
        // A writer that stays open keeps its commits in the write-ahead log.
        fs::permissions(s.dir(), fs::perms(0755));
        SQLite::Database writer(s.db(), SQLite::OPEN_READWRITE);
        writer.exec("PRAGMA wal_autocheckpoint = 0");
        CHECK(writer.execAndGet("SELECT count(*) FROM tenants").getInt() == 1);
        s.ok({"tenant", "create", "beta"});
        s.ok({"tenant", "delete", "acme"});
        fs::copy_file(s.db(), folder + "/store.db");
        fs::copy_file(s.db() + "-wal", folder + "/store.db-wal");
        fs::permissions(folder, fs::perms(0555));
        fs::permissions(folder + "/store.db", fs::perms(0644));
        fs::permissions(folder + "/store.db-wal", fs::perms(0644));
        auto as_other = [&](const std::string& db) {
            return run_binary({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                               "--clear-groups", chatctl_bin(), "--db", db, "tenant", "list", "-o",
                               "json"},
                              {"HOME=/nonexistent", "LANG=C.UTF-8"}, "");
        };
        Result stale = as_other(folder + "/store.db");
        CHECK(stale.code == 6);
        CHECK(stale.err.find("cannot be read safely") != std::string::npos);
        // Without a write-ahead log the file is the committed state, and is read.
        fs::permissions(folder, fs::perms(0755));
        fs::remove(folder + "/store.db-wal");
        fs::permissions(folder, fs::perms(0555));
        Result whole = as_other(folder + "/store.db");
        CHECK(whole.code == 0);
        fs::permissions(folder, fs::perms(0755));
    }

    TEST_CASE("a failed write leaves no new file or folder behind [file]") {
        Sandbox s;
        // The default location's folders, made for a first write that fails, go with it.
        const std::map<std::string, std::string> xdg{{"XDG_DATA_HOME", s.dir() + "/new/sub"}};
        Result unknown = s.run({"user", "add", "x", "-t", "nope"}, xdg, "", true);
        CHECK(unknown.code == 3);
        CHECK(!fs::exists(s.dir() + "/new"));
        std::string bad = s.write("bad.yaml", "tenants:\n  - tenant: acme\n    bogus: 1\n");
        CHECK(s.run({"apply", "-f", bad}, xdg, "", true).code == 5);
        std::string no_default =
            s.write("c.yaml", "tenants:\n  - tenant: acme\n    profiles:\n      - name: A\n");
        CHECK(s.run({"apply", "-f", no_default}, xdg, "", true).code == 5);
        CHECK(!fs::exists(s.dir() + "/new"));
        // A path given, in a folder that exists: no file, temporary or not.
        const std::string before =
            std::to_string(std::distance(fs::directory_iterator(s.dir()), {}));
        CHECK(s.run({"--db", s.dir() + "/fresh.db", "user", "add", "x", "-t", "nope"}, {}, "", true)
                  .code == 3);
        CHECK(std::to_string(std::distance(fs::directory_iterator(s.dir()), {})) == before);
        // A store that already existed stays, empty or not.
        s.ok({"tenant", "create", "acme"});
        CHECK(s.run({"user", "add", "x", "-t", "nope"}).code == 3);
        CHECK(fs::exists(s.db()));
        // A device is not a store.
        for (const char* device : {"/dev/null", "/dev/zero"}) {
            Result r = s.run({"--db", device, "tenant", "create", "x"}, {}, "", true);
            CHECK(r.code == 6);
            CHECK(r.err.find("is not a regular file") != std::string::npos);
            CHECK(!fs::exists(std::string(device) + "-journal"));
            CHECK(!fs::exists(std::string(device) + "-wal"));
        }
    }

    TEST_CASE("a number is whole or refused: 1.0, 1e0 and 1e999 too") {
        Sandbox s;
        for (const char* number : {"1.0", "1e0", "1e999", "1.5", "-0.0"}) {
            std::string f =
                s.write("n.yaml", std::string("version: ") + number + "\ntenants: []\n");
            CAPTURE(number);
            Result r = s.run({"plan", "-f", f});
            CHECK(r.code == 5);
            CHECK(r.err.find(std::string("version: ") + number + " is not a whole number") !=
                  std::string::npos);
            CHECK(r.err.find("null") == std::string::npos);
        }
    }

    TEST_CASE("a raw control character in YAML is refused, never read as an escape") {
        Sandbox s;
        std::string f =
            s.write("nul.yaml", std::string("tenants:\n  - tenant: acme\n    display_name: \"Sal") +
                                    '\0' + "u00e9s\"\n");
        Result r = s.run({"apply", "-f", f});
        CHECK(r.code == 5);
        CHECK(r.err.find("nul.yaml:3:23: error: the control character U+0000") !=
              std::string::npos);
        CHECK(!fs::exists(s.db()));
        std::string bell = s.write("bell.yaml", "tenants: []\x07\n");
        CHECK(s.run({"plan", "-f", bell}).code == 5);
    }

    TEST_CASE("a relative XDG_DATA_HOME is ignored, as the XDG specification says") {
        Sandbox s;
        Result r =
            s.run({"tenant", "create", "acme"},
                  {{"XDG_DATA_HOME", "relative/data"}, {"HOME", s.dir() + "/home"}}, "", true);
        CHECK(r.code == 0);
        CHECK(fs::exists(s.dir() + "/home/.local/share/chatctl/chatctl.db"));
        CHECK(!fs::exists("relative"));
    }

    TEST_CASE("standard input is capped like a file, and refused fast") {
        Sandbox s;
        // `yes` never ends: only the cap ends the reading. (Through a shell, so that this
        // process holds none of it: a spawned child's peak memory counts its parent's.)
        Result r =
            run_binary({"/bin/sh", "-c",
                        std::string("yes | ") + chatctl_bin() + " --db '" + s.db() + "' plan -f -"},
                       {"PATH=/usr/bin:/bin", "HOME=" + s.dir()}, "");
        CHECK(r.code == 5);
        CHECK(r.err.find("-: error: larger than 512 MiB") != std::string::npos);
        if (kMeasureMemory) CHECK(r.max_rss_kb < 1024 * 1024); // the cap, not what was sent
    }
}

TEST_SUITE("defects") {

    TEST_CASE("adversarial shapes are refused fast, in memory bounded by their size") {
        Sandbox s;
        struct Shape {
            std::string name;
            std::string text;
        };
        std::string ones = "tenants: [", keys = "tenants: []\n", users;
        for (int i = 0; i < 1000000; ++i)
            ones += "1,";
        ones += "1]\n";
        for (int i = 0; i < 100000; ++i)
            keys += "k" + std::to_string(i) + ": 1\n";
        users = "tenants: [{tenant: acme, users: [";
        for (int i = 0; i < 100000; ++i)
            users += "{login: u" + std::to_string(i) + ", x: 1},";
        users += "]}]\n";
        for (const auto& shape : std::vector<Shape>{
                 {"a list of a million numbers", ones},
                 {"a hundred thousand unknown keys", keys},
                 {"a hundred thousand users with an unknown key", users},
                 {"nesting deeper than any declaration",
                  "tenants: " + std::string(100000, '[') + std::string(100000, ']') + "\n"},
                 {"a 5 MB value", "tenants: [{tenant: acme, display_name: \"" +
                                      std::string(5 << 20, 'x') + "\"}]\n"}}) {
            CAPTURE(shape.name);
            std::string f = s.write("shape.yaml", shape.text);
            auto t0 = std::chrono::steady_clock::now();
            Result r = s.run({"plan", "-f", f});
            double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            CHECK(r.code == 5);
            CHECK(r.err.find("nothing was written") != std::string::npos);
            // Errors past the first thousand are counted, not each explained.
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 1002);
            long limit_kb = 64 * 1024 + 40 * long(shape.text.size()) / 1024;
            if (kMeasureMemory) CHECK(r.max_rss_kb < limit_kb);
            MESSAGE(shape.name << ": " << shape.text.size() / 1024 << " KB refused in " << seconds
                               << " s, peak " << r.max_rss_kb / 1024 << " MB");
        }
    }
}
