// Hostile declarations and stores: each gets a clear error and its exit code, in
// bounded time and memory, never a crash, and every file is left as it was.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

// Runs chatctl under `timeout`, so that a hang fails the test instead of blocking it.
Result bounded(const Sandbox& s, std::vector<std::string> args) {
    std::vector<std::string> argv{"/usr/bin/timeout", "120", chatctl_bin(), "--db", s.db()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env{"HOME=" + s.dir(), "LANG=C.UTF-8"};
    for (const char* pass : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
        if (const char* v = std::getenv(pass)) env.push_back(std::string(pass) + "=" + v);
    return run_binary(argv, env, "");
}

// A hostile declaration: refused with exit 5 and a message, the file and store untouched.
void refused_file(const Sandbox& s, const std::string& path, const std::string& message) {
    std::string file_before = fs::is_regular_file(path) ? slurp(path) : "";
    std::string store_before = s.bytes();
    Result r = bounded(s, {"apply", "-f", path});
    CAPTURE(path);
    INFO("stderr: " << r.err.substr(0, 2000));
    CHECK(r.code == 5);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(r.err.find("chatctl: error: ") != std::string::npos);
    CHECK(r.max_rss_kb < 2 * 1024 * 1024);
    CHECK(s.bytes() == store_before);
    if (fs::is_regular_file(path)) CHECK(slurp(path) == file_before);
}

} // namespace

TEST_SUITE("hostile") {

    TEST_CASE("hostile declarations") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        refused_file(s, s.write("deep.yaml", "tenants: " + std::string(100000, '[')), "error:");
        refused_file(s,
                     s.write("deep-maps.yaml",
                             [] {
                                 std::string t = "tenants:\n";
                                 for (int i = 0; i < 100000; ++i)
                                     t +=
                                         std::string(static_cast<size_t>(i % 50) * 2, ' ') + "a:\n";
                                 return t;
                             }()),
                     "error:");
        refused_file(s,
                     s.write("big-scalar.yaml", "tenants:\n  - tenant: acme\n    display_name: " +
                                                    std::string(50 << 20, 'x') + "\n"),
                     "display_name");
        std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
        for (char c = 'b'; c <= 'j'; ++c)
            bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) +
                    ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
                    char(c - 1) + "]\n";
        refused_file(s, s.write("bomb.yaml", bomb), "aliases");
        std::mt19937 rng(7);
        std::string garbage(1 << 20, '\0');
        for (auto& c : garbage)
            c = static_cast<char>(rng());
        refused_file(s, s.write("garbage.yaml", garbage), "error:");
        std::string fifo = s.dir() + "/fifo.yaml";
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        refused_file(s, fifo, "not a regular file");
        fs::create_symlink(s.dir() + "/gone.yaml", s.dir() + "/vanished.yaml");
        refused_file(s, s.dir() + "/vanished.yaml", "cannot read");
        fs::create_directories(s.dir() + "/empty");
        refused_file(s, s.dir() + "/empty", "no .yaml or .yml file");
        refused_file(s, "/dev/zero", "not a regular file");
    }

    TEST_CASE("hostile stores are store errors, and stay as they were [file]") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        std::string agents = "login\n";
        for (int i = 0; i < 300; ++i)
            agents += "u" + std::to_string(i) + "\n";
        s.ok({"user", "import", "-t", "acme", s.write("agents.csv", agents), "-q"});
        std::string good = s.bytes();
        auto attempt = [&](const std::string& what) {
            std::string before = s.bytes();
            for (auto args :
                 std::vector<std::vector<std::string>>{{"user", "list", "-t", "acme"},
                                                       {"user", "add", "new", "-t", "acme"},
                                                       {"export"}}) {
                Result r = bounded(s, args);
                CAPTURE(what);
                CAPTURE(args[0]);
                INFO("stderr: " << r.err);
                CHECK(r.code == 6);
                CHECK(r.err.rfind("chatctl: error: ", 0) == 0);
            }
            CHECK(s.bytes() == before);
        };
        fs::resize_file(s.db(), good.size() / 2);
        attempt("truncated");
        std::mt19937 rng(11);
        std::string noise = good;
        for (size_t i = 100; i < noise.size(); i += 1 + rng() % 64)
            noise[i] = static_cast<char>(rng());
        s.write("store.db", noise);
        attempt("random bytes");
        s.write("store.db", std::string(good.size(), '\0'));
        attempt("zeros");
    }

    TEST_CASE("a store whose rules were broken by hand: a clear store error, no crash [file]") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"tenant", "create", "beta"});
        // Without foreign keys, raw SQL can take a tenant's default away.
        {
            std::string err =
                s.sql("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON; "
                      "DROP TRIGGER tenants_default_in_tenant; "
                      "UPDATE tenants SET default_profile_id = 999 WHERE key = 'acme'");
            REQUIRE(err.empty());
        }
        std::string before = s.bytes();
        for (auto args :
             std::vector<std::vector<std::string>>{{"profile", "list", "-t", "acme"},
                                                   {"user", "add", "x", "-t", "acme"},
                                                   {"profile", "add", "P", "-t", "acme"}}) {
            Result r = s.run(args);
            CAPTURE(args[1]);
            CHECK(r.code == 6);
            CHECK(r.err.find("breaks a rule: tenant acme has no default profile") !=
                  std::string::npos);
        }
        std::string decl = s.write("acme.yaml", "tenants:\n  - tenant: acme\n");
        CHECK(s.run({"apply", "-f", decl}).code == 6);
        CHECK(s.bytes() == before);
        // The other tenants still work, and list shows the broken one without crashing.
        s.ok({"user", "add", "y", "-t", "beta"});
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json().size() == 2);
    }

    TEST_CASE("a store read by a user who may not write it, and a store behind a symlink [file]") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        fs::permissions(s.dir(), fs::perms(0755));
        fs::permissions(s.db(), fs::perms(0644));
        std::vector<std::string> prefix;
        if (::geteuid() == 0)
            prefix = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
        auto as_other = [&](std::vector<std::string> args) {
            std::vector<std::string> argv = prefix;
            argv.insert(argv.end(), {chatctl_bin(), "--db", s.db()});
            argv.insert(argv.end(), args.begin(), args.end());
            return run_binary(argv, {"HOME=/nonexistent", "LANG=C.UTF-8"}, "");
        };
        std::string before = s.bytes();
        Result read = as_other({"tenant", "list", "-o", "json"});
        CHECK(read.code == 0);
        CHECK(read.out.find("acme") != std::string::npos);
        Result write_attempt = as_other({"tenant", "create", "beta"});
        CHECK(write_attempt.code == 6);
        CHECK(s.bytes() == before);
        // Through a symlink: the target is used, the link stays a link, the mode stays 0600.
        fs::permissions(s.db(), fs::perms(0600));
        std::string link = s.dir() + "/link.db";
        fs::create_symlink(s.db(), link);
        Result via = s.run({"tenant", "create", "gamma", "--db", link}, {}, "", true);
        CHECK(via.code == 0);
        CHECK(fs::is_symlink(link));
        CHECK(s.ok({"tenant", "show", "gamma"}).code == 0);
        struct stat st {};
        REQUIRE(::stat(s.db().c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }

    TEST_CASE("no declaration reaches across tenants") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"tenant", "create", "beta"});
        s.ok({"profile", "add", "BetaOnly", "-t", "beta"});
        s.ok({"user", "add", "bob", "-t", "beta", "--profile", "BetaOnly"});
        std::string before = s.bytes();
        std::string decl =
            s.write("x.yaml", "tenants:\n  - tenant: acme\n    users:\n      - login: bob\n"
                              "        profile: BetaOnly\n");
        Result r = s.run({"apply", "-f", decl});
        CHECK(r.code == 5);
        CHECK(r.err.find("exists nowhere in tenant acme") != std::string::npos);
        CHECK(s.bytes() == before);
        // Pruning acme never touches beta's users.
        std::string prune = s.write("p.yaml", "tenants:\n  - tenant: acme\n    users: []\n");
        s.ok({"apply", "--prune", "-f", prune});
        CHECK(s.ok({"user", "show", "bob", "-t", "beta", "-o", "json"}).json()["profile"] ==
              "BetaOnly");
    }

} // TEST_SUITE
