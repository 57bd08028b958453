// Nothing lost, nothing corrupted: an apply killed with SIGKILL at many moments leaves
// the store exactly as before or exactly as after, and concurrent writers each either
// commit entirely or fail with a store error, leaving exactly their effects.
#include "harness.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <signal.h>
#include <sys/wait.h>
#include <thread>

using namespace e2e;

// The figures of the ordinary build. Under the sanitizers every process is several times
// slower, and that run looks for memory errors, not for rare interleavings: fewer.
// Under the sanitizers, 19 commands each; else 100.
const int kKillPoints = sanitized() ? 30 : 120, kWriters = sanitized() ? 6 : 16,
          kUsersPerWriter = sanitized() ? 15 : 96;
namespace fs = std::filesystem;

namespace {

// A declaration of `tenants` tenants with `users` users each; `variant` changes every
// user's profile and name, and prunes the even users, so that after differs from before
// in every tenant.
std::string declaration(int tenants, int users, int variant) {
    std::string out = "tenants:\n";
    for (int t = 0; t < tenants; ++t) {
        out += "  - tenant: t" + std::to_string(t) +
               "\n    profiles:\n"
               "      - name: Default\n        default: " +
               (variant ? "false" : "true") +
               "\n"
               "      - name: Experts\n        default: " +
               (variant ? "true" : "false") +
               "\n"
               "        max_concurrent_chats: " +
               std::to_string(5 + variant) + "\n    users:\n";
        for (int u = 0; u < users; ++u) {
            if (variant && u % 2 == 0) continue;
            out += "      - login: user" + std::to_string(u) + "\n        name: Name " +
                   std::to_string(u * 10 + variant) +
                   "\n        profile: " + (((u + variant) % 3) ? "Experts" : "Default") + "\n";
        }
    }
    return out;
}

std::string write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

// The rules (and SQLite's own checks on a file) on a store, with the reason when one fails.
// PostgreSQL checks its foreign keys at every commit.
std::string health(const Sandbox& s) {
    if (!on_postgres()) {
        SQLite::Database d(s.db(), SQLite::OPEN_READONLY);
        if (std::string ok = d.execAndGet("PRAGMA integrity_check").getString(); ok != "ok")
            return "integrity_check: " + ok;
        SQLite::Statement fk(d, "PRAGMA foreign_key_check");
        if (fk.executeStep()) return "foreign_key_check found a violation";
    }
    std::string bad = s.query("SELECT count(*) FROM tenants t WHERE (SELECT count(*) FROM "
                              "profiles p WHERE p.id = t.default_profile_id AND p.tenant_id = "
                              "t.id) != 1")[0][0];
    return bad == "0" ? "" : bad + " tenants without exactly one default";
}

std::vector<std::string> env_for(const Sandbox& s) {
    std::vector<std::string> env{"HOME=" + s.dir(), "LANG=C.UTF-8", "CHATCTL_ACTOR=test"};
    for (const char* pass : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
        if (const char* v = std::getenv(pass)) env.push_back(std::string(pass) + "=" + v);
    return env;
}

// The i-th of `points` moments spread over [0, until): a random one in each slice.
double moment(double until, int i, int points, std::mt19937& rng) {
    return until * (i + std::uniform_real_distribution<double>(0, 1)(rng)) / points;
}

// `chatctl --db DB -q apply -f FILE`, killed `at` seconds after it started.
void kill_apply_at(const Sandbox& s, const std::string& db, const std::string& file, double at) {
    pid_t pid = start_binary({"--db", db, "-q", "apply", "-f", file}, env_for(s));
    std::this_thread::sleep_for(std::chrono::duration<double>(at));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

// The store's file as `pristine` holds it, its WAL and shared memory gone.
void restore_file(const Sandbox& s, const std::string& pristine) {
    for (const char* suffix : {"", "-wal", "-shm"})
        fs::remove(s.db() + suffix);
    fs::copy_file(pristine, s.db());
}

} // namespace

TEST_SUITE("durability") {

    TEST_CASE("an apply killed at any moment leaves the store as before or as after") {
        Sandbox s;
        const int tenants = 5, users = 800;
        std::string before_decl =
            write_file(s.dir() + "/before.yaml", declaration(tenants, users, 0));
        std::string after_decl =
            write_file(s.dir() + "/after.yaml", declaration(tenants, users, 1));
        s.ok({"apply", "-f", before_decl});
        const std::string before = s.ok({"export"}).out;
        const std::string pristine = s.dir() + "/pristine.db";
        if (!on_postgres()) fs::copy_file(s.db(), pristine);
        auto t0 = std::chrono::steady_clock::now();
        s.ok({"apply", "-f", after_decl});
        const double full =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const std::string after = s.ok({"export"}).out;
        REQUIRE(before != after);

        std::mt19937 rng(5);
        const int points = on_postgres() ? kKillPoints / 4 : kKillPoints;
        int saw_before = 0, saw_after = 0;
        for (int i = 0; i < points; ++i) {
            CAPTURE(i);
            if (on_postgres()) { // back to before, by chatctl itself
                s.ok({"-q", "apply", "--prune", "-f", before_decl});
                REQUIRE(s.ok({"export"}).out == before);
            } else {
                restore_file(s, pristine);
            }
            // Spread over the whole run and past it, the commit included: to twice the
            // time one apply took, as a busy machine (a suite running beside this one)
            // makes the applies killed here slower than the one measured.
            kill_apply_at(s, s.db(), after_decl, moment(full * 2.0, i, points, rng));
            CHECK(health(s).empty());
            std::string now = s.ok({"export"}).out;
            bool is_before = now == before, is_after = now == after;
            CHECK((is_before || is_after));
            saw_before += is_before;
            saw_after += is_after;
            if (is_before) { // the interrupted apply, run again, completes
                s.ok({"apply", "-f", after_decl});
                CHECK(s.ok({"export"}).out == after);
            }
            CHECK(s.run({"plan", "-f", after_decl}).code == 0);
        }
        MESSAGE("kills: " << points << ", store as before: " << saw_before
                          << ", as after: " << saw_after << " (full apply " << full << " s)");
        CHECK(saw_before > 0);
        CHECK(saw_after > 0);
    }

    // A write of thousands of users drops the per-row triggers in its transaction and
    // creates them again before its commit: killed anywhere, the file holds them all.
    TEST_CASE("a bulk apply killed at any moment leaves every trigger in the file [file]") {
        Sandbox s;
        s.ok({"apply", "-f", write_file(s.dir() + "/before.yaml", declaration(1, 10, 0))});
        const std::string before = s.ok({"export"}).out;
        const std::string schema =
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name";
        const auto triggers = s.query(schema);
        const std::string pristine = s.dir() + "/pristine.db";
        fs::copy_file(s.db(), pristine);
        const std::string bulk = write_file(s.dir() + "/bulk.yaml", declaration(2, 3000, 0));
        auto t0 = std::chrono::steady_clock::now();
        s.ok({"apply", "-f", bulk});
        const double full =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const std::string after = s.ok({"export"}).out;
        std::mt19937 rng(17);
        const int points = kKillPoints / 10; // 12, or 3 under the sanitizers
        for (int i = 0; i < points; ++i) {
            CAPTURE(i);
            restore_file(s, pristine);
            kill_apply_at(s, s.db(), bulk, moment(full * 1.5, i, points, rng));
            CHECK(health(s).empty());
            CHECK(s.query(schema) == triggers);
            const std::string now = s.ok({"export"}).out;
            CHECK((now == before || now == after));
        }
    }

    TEST_CASE("a first apply killed at any moment leaves no store, or the whole of it [file]") {
        Sandbox s;
        const std::string decl = write_file(s.dir() + "/first.yaml", declaration(3, 400, 0));
        const std::string db = s.dir() + "/new/store.db";
        fs::create_directories(s.dir() + "/new");
        auto at_db = [&](std::vector<std::string> args) {
            args.insert(args.begin(), {"--db", db});
            Result r = s.run(args, {}, "", true);
            INFO("stderr: " << r.err);
            REQUIRE(r.code == 0);
            return r;
        };
        auto t0 = std::chrono::steady_clock::now();
        at_db({"apply", "-f", decl});
        const double full =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const std::string after = at_db({"export"}).out;
        std::mt19937 rng(13);
        const int points = kKillPoints / 10; // 12, or 3 under the sanitizers
        int none = 0, whole = 0;
        for (int i = 0; i < points; ++i) {
            CAPTURE(i);
            fs::remove_all(s.dir() + "/new");
            fs::create_directories(s.dir() + "/new");
            kill_apply_at(s, db, decl, moment(full * 1.5, i, points, rng));
            if (!fs::exists(db)) {
                ++none;
                Result r = s.run({"--db", db, "tenant", "list"}, {}, "", true);
                CAPTURE(r.err);
                CHECK(r.code == 6);
                CHECK(r.err.find("no store at") != std::string::npos);
            } else {
                ++whole;
                CHECK(at_db({"export"}).out == after);
            }
            // Whatever a killed first write left is a temporary file, never in the store's
            // place; the next first write removes it.
            at_db({"-q", "apply", "-f", decl});
            CHECK(at_db({"export"}).out == after);
            std::string names;
            for (const auto& e : fs::directory_iterator(s.dir() + "/new"))
                names += e.path().filename().string() + " ";
            CHECK(names.find("chatctl-new") == std::string::npos);
        }
        MESSAGE("first applies killed: " << points << ", no store: " << none
                                         << ", whole: " << whole);
        CHECK(none > 0);
    }

    TEST_CASE("concurrent writers: each command commits whole or fails with a store error") {
        Sandbox s;
        s.ok({"tenant", "create", "shared"});
        // On PostgreSQL, whose locking the suites race and writes drive too: half as many.
        const int workers = on_postgres() ? kWriters / 2 : kWriters, users = kUsersPerWriter;
        struct Outcome {
            std::string command, key;
            int code;
            std::string err;
        };
        // Each worker runs its commands in order; a command whose prerequisite failed is not run.
        auto work = [&](int w, std::vector<Outcome>& out) {
            std::string id = "w" + std::to_string(w);
            std::string decl =
                write_file(s.dir() + "/" + id + ".yaml", "tenants:\n  - tenant: " + id +
                                                             "\n    users:\n      - login: a\n"
                                                             "      - login: b\n");
            // Short lock timeouts on some commands, so that some do fail.
            std::string timeout = w % 3 == 0 ? "0" : "5";
            auto run = [&](std::vector<std::string> args, const std::string& command,
                           const std::string& key) {
                args.insert(args.end(), {"--lock-timeout", timeout});
                Result r = s.run(args);
                out.push_back({command, key, r.code, r.err});
                return r.code == 0;
            };
            run({"apply", "-f", decl}, "apply", id);
            std::vector<std::string> added;
            for (int u = 0; u < users; ++u) {
                std::string login = id + "-u" + std::to_string(u);
                if (run({"user", "add", login, "-t", "shared", "--profile", "Default"}, "user add",
                        login))
                    added.push_back(login);
            }
            std::string profile = "P" + id;
            if (!run({"profile", "add", profile, "-t", "shared"}, "profile add", profile)) return;
            if (!added.empty()) {
                std::vector<std::string> args{"user", "assign"};
                args.insert(args.end(), added.begin(), added.end());
                args.insert(args.end(), {"-t", "shared", "--profile", profile});
                run(args, "user assign", profile);
            }
            run({"profile", "set-default", profile, "-t", "shared"}, "profile set-default",
                profile);
        };
        std::vector<std::vector<Outcome>> outcomes(workers);
        std::vector<std::thread> threads;
        for (int w = 0; w < workers; ++w)
            threads.emplace_back(work, w, std::ref(outcomes[w]));
        // Readers run all along, and never wait for a writer nor fail.
        std::atomic<bool> done{false};
        std::vector<int> read_codes;
        std::thread reader([&] {
            while (!done)
                for (auto args : std::vector<std::vector<std::string>>{
                         {"tenant", "list"}, {"user", "list", "-t", "shared"}, {"history"}})
                    read_codes.push_back(s.run(args).code);
        });
        for (auto& t : threads)
            t.join();
        done = true;
        reader.join();
        CHECK(std::count(read_codes.begin(), read_codes.end(), 0) == long(read_codes.size()));

        CHECK(health(s).empty());
        int commands = 0, failures = 0;
        std::set<std::string> expected_users, expected_tenants{"shared"};
        std::map<std::string, std::string> expected_profile; // login -> profile
        std::multiset<std::string> expected_history;         // "command key"
        for (int w = 0; w < workers; ++w) {
            std::string id = "w" + std::to_string(w);
            std::vector<std::string> added;
            for (const auto& o : outcomes[w]) {
                ++commands;
                CAPTURE(o.command);
                CAPTURE(o.err);
                CHECK((o.code == 0 || o.code == 6));
                if (o.code != 0) {
                    ++failures;
                    continue;
                }
                if (o.command == "apply") {
                    expected_tenants.insert(id);
                    for (const char* k : {"w", "Default", "a", "b"})
                        expected_history.insert("apply " + (std::string(k) == "w" ? id : k));
                } else if (o.command == "user add") {
                    expected_users.insert(o.key);
                    expected_profile[o.key] = "Default";
                    added.push_back(o.key);
                    expected_history.insert("user add " + o.key);
                } else if (o.command == "profile add") {
                    expected_history.insert("profile add " + o.key);
                } else if (o.command == "user assign") {
                    for (const auto& login : added) {
                        expected_profile[login] = o.key;
                        expected_history.insert("user assign " + login);
                    }
                }
            }
        }
        // The state is exactly the effect of the commands that succeeded.
        std::set<std::string> tenants;
        for (const auto& t : s.ok({"tenant", "list", "-o", "json"}).json())
            tenants.insert(t["tenant"]);
        CHECK(tenants == expected_tenants);
        std::map<std::string, std::string> profile_of;
        for (const auto& u : s.ok({"user", "list", "-t", "shared", "-o", "json"}).json())
            profile_of[u["login"]] = u["profile"];
        std::map<std::string, std::string> expected_map(expected_profile.begin(),
                                                        expected_profile.end());
        CHECK(profile_of == expected_map);
        // History: one entry for each change of each success, none for a failure.
        Json history = s.ok({"history", "--limit", "100000", "-o", "json"}).json();
        std::multiset<std::string> recorded;
        std::string last_default;
        for (auto it = history.rbegin(); it != history.rend(); ++it) {
            std::string command = (*it)["command"];
            if (command == "tenant create") continue;
            if (command == "profile set-default") {
                if ((*it)["after"]["default"] == true) last_default = (*it)["key"];
                continue;
            }
            recorded.insert(command + " " + (*it)["key"].get<std::string>());
        }
        CHECK(recorded == expected_history);
        // The default is the one the last committed set-default named.
        std::string default_profile =
            s.ok({"tenant", "show", "shared", "-o", "json"}).json()["default_profile"];
        CHECK(default_profile == (last_default.empty() ? "Default" : last_default));
        MESSAGE("concurrent commands: " << commands << ", failed with exit 6: " << failures
                                        << "; reads meanwhile: " << read_codes.size());
        CHECK(commands >= workers * 8);
    }

} // TEST_SUITE
