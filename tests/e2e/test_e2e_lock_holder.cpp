// Who holds the lock: a write that gives up waiting for it names the writer that holds
// it (actor, command, process, host, since when), on both stores; on SQLite from a record
// beside the store, made safely, removed at the end, and ignored once its writer is gone.
#include "harness.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

std::string hostname() {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    return name;
}

std::string record_of(const Sandbox& s) {
    return s.db() + "-writer";
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
}

// A pid no process has any more.
pid_t dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}

} // namespace

TEST_SUITE("writes") {

    TEST_CASE("a second write during a long apply names the first's actor, command, process, "
              "host and time") {
        Sandbox s;
        s.ok({"tenant", "create", "big"});
        // Users in login order, so that apply writes them as it reads them, holding the lock.
        std::string decl = "tenants:\n  - tenant: big\n    users:\n";
        for (int i = 0; i < 150000; ++i) {
            std::string n = std::to_string(i);
            decl += "      - login: u" + std::string(6 - n.size(), '0') + n + "\n";
        }
        const std::string file = s.write("big.yaml", decl);
        const pid_t first =
            start_binary({"--db", s.db(), "--actor", "first-writer", "apply", "-f", file},
                         {"HOME=" + s.dir() + "/home", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"});
        REQUIRE(first > 0);
        Result refused;
        int status = 0;
        bool first_done = false;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
            if (::waitpid(first, &status, WNOHANG) == first) {
                first_done = true;
                break;
            }
            const std::string probe = "probe-" + std::to_string(i);
            refused =
                s.run({"--actor", "second", "tenant", "create", probe, "--lock-timeout", "0"});
            // A refusal names the holder while it writes; in the moments the store is still
            // locked after its record is gone (its COMMIT, the checkpoint of a closing
            // connection), it is refused without a name, and the probe goes on.
            if (refused.code == 6 && refused.err.find("first-writer") != std::string::npos) break;
            if (refused.code == 6) {
                CHECK(refused.err.find("is locked by another writer") != std::string::npos);
                continue;
            }
            REQUIRE(refused.code == 0); // before apply took the lock
        }
        INFO("stderr: " << refused.err);
        REQUIRE(refused.code == 6);
        CHECK(refused.out.empty());
        CHECK(refused.err.find("is locked by another writer: first-writer running `chatctl "
                               "apply` (process " +
                               std::to_string(first) + " on " + hostname() + ") since 20") !=
              std::string::npos);
        CHECK(refused.err.find("second") == std::string::npos);
        CHECK(refused.err.find("hint: retry later, or wait longer with --lock-timeout") !=
              std::string::npos);
        if (!on_postgres()) { // the record, while the lock is held: 0600, a regular file
            struct stat st {};
            if (::lstat(record_of(s).c_str(), &st) == 0) {
                CHECK(S_ISREG(st.st_mode));
                CHECK((st.st_mode & 0777) == 0600);
            }
        }
        if (!first_done) REQUIRE(::waitpid(first, &status, 0) == first);
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
        CHECK(s.query("SELECT count(*) FROM users")[0][0] == "150000");
        CHECK(!fs::exists(fs::symlink_status(record_of(s)))); // removed at the end (SQLite)
    }

    TEST_CASE("a holder that is not a chatctl writer is named as the store knows it") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        LockHolder holder(s);
        for (const char* timeout : {"0", "1"}) {
            Result r = s.run({"profile", "add", "P", "-t", "acme", "--lock-timeout", timeout});
            INFO("stderr: " << r.err);
            CHECK(r.code == 6);
            if (on_postgres()) // a session holding the advisory lock: its pid and role
                CHECK(r.err.find("is locked by another writer: session ") != std::string::npos);
            else // SQLite's lock says nothing, and no record names anyone
                CHECK(r.err.find("is locked by another writer\n") != std::string::npos);
            CHECK(r.err.find("tester") == std::string::npos);
        }
    }

    TEST_CASE("the SQLite record names its writer while it lives, and not once it is gone "
              "[file]") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        auto holder = std::make_unique<LockHolder>(s);
        const std::string host = hostname();
        auto refused = [&] {
            Result r = s.run({"profile", "add", "P", "-t", "acme", "--lock-timeout", "0"});
            CHECK(r.code == 6);
            return r.err;
        };
        // A live process (this test's), as a writer would record itself.
        write_file(record_of(s), "{\"actor\":\"alive\",\"command\":\"user import\",\"host\":\"" +
                                     host + "\",\"pid\":" + std::to_string(::getpid()) +
                                     ",\"since\":\"2026-01-02T03:04:05.678Z\"}\n");
        CHECK(refused().find("locked by another writer: alive running `chatctl user import` "
                             "(process " +
                             std::to_string(::getpid()) + " on " + host +
                             ") since 2026-01-02T03:04:05.678Z") != std::string::npos);
        // Its process is gone: a killed writer's record says nothing.
        write_file(record_of(s), "{\"actor\":\"ghost\",\"command\":\"apply\",\"host\":\"" + host +
                                     "\",\"pid\":" + std::to_string(dead_pid()) + "}\n");
        CHECK(refused().find("ghost") == std::string::npos);
        // Its pid taken by another process since (another start time): the same.
        write_file(record_of(s), "{\"actor\":\"ghost\",\"host\":\"" + host + "\",\"pid\":" +
                                     std::to_string(::getpid()) + ",\"start\":\"1\"}\n");
        CHECK(refused().find("ghost") == std::string::npos);
        // Not a record at all: nothing from it, and no failure of its own.
        write_file(record_of(s), "\x1b[31m not json");
        std::string err = refused();
        CHECK(err.find("is locked by another writer\n") != std::string::npos);
        // The next writer replaces what it finds, and removes its own at the end.
        holder.reset();
        s.ok({"profile", "add", "P", "-t", "acme"});
        CHECK(!fs::exists(fs::symlink_status(record_of(s))));
    }

    TEST_CASE("the SQLite record never follows a link, and is gone after every write [file]") {
        Sandbox s;
        const std::string target = s.write("target.txt", "keep\n");
        fs::create_symlink(target, record_of(s));
        s.ok({"tenant", "create", "acme"});
        CHECK(slurp(target) == "keep\n");
        CHECK(!fs::exists(fs::symlink_status(record_of(s))));
        // A refused write and a dry run take the lock too, and leave no record either.
        expect_refused(s, {"tenant", "create", "acme"}, 4, "already exists");
        s.ok({"tenant", "create", "beta", "--dry-run"});
        CHECK(!fs::exists(fs::symlink_status(record_of(s))));
        // A record of a killed writer is replaced by the next one, then removed.
        write_file(record_of(s), "{\"actor\":\"ghost\",\"pid\":" + std::to_string(dead_pid()) +
                                     ",\"host\":\"" + hostname() + "\"}\n");
        s.ok({"tenant", "create", "beta"});
        CHECK(!fs::exists(fs::symlink_status(record_of(s))));
    }
}
