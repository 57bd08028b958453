// Faults after the commit, and interrupted writes: a command never reports failure for a
// change it committed, nor "No changes." for one it cannot know the fate of, and no
// temporary file outlives it, whatever ends it.
#include "harness.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <doctest/doctest.h>
#include <filesystem>
#include <poll.h>
#include <random>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace e2e;
namespace fs = std::filesystem;

const int kKills = sanitized() ? 20 : 100; // every process is several times slower there

namespace {

// One tenant's declaration with n users, in login order (so apply writes while it reads).
// `variant` changes every name.
std::string declaration(const std::string& tenant, int users, int variant = 0) {
    std::string out = "tenants:\n  - tenant: " + tenant + "\n    users:\n";
    for (int u = 0; u < users; ++u) {
        std::string n = std::to_string(100000 + u);
        out += "      - login: user" + n + "\n        name: Agent " + n + " " +
               std::to_string(variant) + "\n        email: user" + n + "@example.com\n";
    }
    return out;
}

std::string users_csv(int users, int variant = 0) {
    std::string out = "login,name,email\n";
    for (int u = 0; u < users; ++u) {
        std::string n = std::to_string(200000 + u);
        out += "csv" + n + ",Agent " + n + " " + std::to_string(variant) + ",csv" + n +
               "@example.com\n";
    }
    return out;
}

std::vector<std::string> environment(const std::string& tmpdir) {
    std::vector<std::string> env{"HOME=/nonexistent", "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
                                 "CHATCTL_ACTOR=tester", "TMPDIR=" + tmpdir};
    for (const char* pass : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
        if (const char* v = std::getenv(pass)) env.push_back(std::string(pass) + "=" + v);
    return env;
}

// chatctl --db STORE ARGS with standard output redirected as `redirect` says, in sh's words
// (">/dev/full", ">&-", ">&5").
Result run_redirected(const Sandbox& s, const std::string& redirect,
                      const std::vector<std::string>& args, const std::string& tmpdir) {
    std::vector<std::string> argv{"/bin/sh", "-c",  "exec \"$@\" " + redirect, "sh", chatctl_bin(),
                                  "--db",    s.db()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_binary(argv, environment(tmpdir), "");
}

int64_t last_change(const Sandbox& s) {
    return std::stoll(s.query("SELECT coalesce(max(change), 0) FROM history")[0][0]);
}

int64_t entries_of(const Sandbox& s, int64_t change) {
    return std::stoll(s.query("SELECT " + history_entries_sql() +
                              " FROM history WHERE change = " + std::to_string(change))[0][0]);
}

// A small tmpfs, mounted for the life of the object.
class SmallTmpfs {
  public:
    SmallTmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
        fs::create_directories(dir);
        INFO("mounting a tmpfs needs root, as the PostgreSQL test cluster does");
        REQUIRE(::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                        ("size=" + size + ",mode=0700").c_str()) == 0);
    }
    ~SmallTmpfs() { ::umount2(dir_.c_str(), MNT_DETACH); }
    SmallTmpfs(const SmallTmpfs&) = delete;
    SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  private:
    std::string dir_;
};

// The message and exit code of a command that committed change `change` but could not
// print it.
void expect_committed_unprinted(const Sandbox& s, const Result& r, int64_t change,
                                int64_t entries) {
    INFO("stderr: " << r.err);
    CHECK(r.code == 7);
    CHECK(r.err.find("change " + std::to_string(change) + " was committed") != std::string::npos);
    CHECK(last_change(s) == change);
    CHECK(entries_of(s, change) == entries);
}

} // namespace

TEST_SUITE("faults") {

    TEST_CASE("a write whose output cannot be written still says its change was committed") {
        Sandbox s;
        const std::string tmp = s.dir() + "/tmp";
        fs::create_directories(tmp);
        const std::string decl = s.write("acme.yaml", declaration("acme", 300));
        const std::string csv = s.write("more.csv", users_csv(40));
        s.ok({"-q", "tenant", "create", "base"});
        int broken[2];
        REQUIRE(::pipe(broken) == 0);
        ::close(broken[0]); // nobody reads: a broken pipe
        const std::string to_broken_pipe = ">&" + std::to_string(broken[1]);
        int64_t change = last_change(s);
        for (const std::string redirect : {">/dev/full", ">&-", to_broken_pipe.c_str()}) {
            CAPTURE(redirect);
            const std::string t = "t" + std::to_string(change + 1);
            // held whole (run_write)
            expect_committed_unprinted(s, run_redirected(s, redirect, {"tenant", "create", t}, tmp),
                                       ++change, 2);
            // written while read (StreamedApply)
            expect_committed_unprinted(s, run_redirected(s, redirect, {"apply", "-f", decl}, tmp),
                                       ++change, 302);
            // streamed writes
            expect_committed_unprinted(
                s, run_redirected(s, redirect, {"user", "import", "-t", t, csv}, tmp), ++change,
                40);
            expect_committed_unprinted(
                s, run_redirected(s, redirect, {"revert", std::to_string(change)}, tmp), change + 1,
                40);
            ++change;
            expect_committed_unprinted(
                s, run_redirected(s, redirect, {"user", "delete", "--all", "-t", "acme"}, tmp),
                ++change, 300);
            s.ok({"-q", "tenant", "delete", "acme", "--force"});
            ++change;
        }
        ::close(broken[1]);
        // As JSON, the error says so too.
        Result r = run_redirected(s, ">/dev/full", {"-o", "json", "tenant", "create", "last"}, tmp);
        CHECK(r.code == 7);
        Json e = r.err_json()["error"];
        CHECK(e["kind"] == "output");
        CHECK(e["exit_code"] == 7);
        CHECK(e["message"].get<std::string>().find("was committed") != std::string::npos);
    }

    TEST_CASE("a full temporary folder fails the write before its commit, never after") {
        Sandbox s;
        const std::string tmp = s.dir() + "/tmp";
        const std::string csv = s.write("agents.csv", users_csv(2000));
        s.ok({"-q", "tenant", "create", "base"});
        int committed = 0, refused = 0;
        for (const char* size : {"16k", "64k", "256k"}) {
            for (int command = 0; command < 3; ++command) {
                SmallTmpfs full(tmp, size);
                CAPTURE(size);
                CAPTURE(command);
                const int64_t before = last_change(s);
                const std::string t = "t" + std::to_string(before);
                std::vector<std::string> args;
                if (command == 0)
                    args = {"apply", "-f", s.write(t + ".yaml", declaration(t, 2000))};
                else if (command == 1)
                    args = {"user", "import", "-t", "base", csv};
                else
                    args = {"user", "delete", "--all", "-t", "base"};
                // The import adds its users, the delete has some to delete (a write the
                // full folder refused left them as they were).
                const bool none = s.query("SELECT count(*) FROM users")[0][0] == "0";
                if (command == 1 && !none) s.ok({"-q", "user", "delete", "--all", "-t", "base"});
                if (command == 2 && none) s.ok({"-q", "user", "import", "-t", "base", csv});
                const int64_t start = last_change(s);
                Result r = run_redirected(s, "", args, tmp);
                INFO("exit " << r.code << ", stderr: " << r.err);
                if (last_change(s) != start) { // committed: it says so, whatever it prints
                    ++committed;
                    CHECK((r.code == 0 || r.code == 7));
                    if (r.code == 0) CHECK(!r.out.empty()); // its lines, whole
                    if (r.code == 7)
                        CHECK(r.err.find("change " + std::to_string(start + 1) +
                                         " was committed") != std::string::npos);
                } else {
                    ++refused;
                    CHECK(r.code != 0);
                    CHECK(r.err.find("was committed") == std::string::npos);
                }
            }
        }
        MESSAGE("committed: " << committed << ", refused before the commit: " << refused);
        CHECK(refused > 0); // the folders were full enough to matter
    }

    TEST_CASE("apply and user import killed at any moment leave no temporary file") {
        Sandbox s;
        const std::string tmp = s.dir() + "/tmp";
        fs::create_directories(tmp);
        s.ok({"-q", "tenant", "create", "base"});
        // Each command changes every user the one before it wrote: apply and import, each
        // in two variants, in turn.
        std::vector<std::vector<std::string>> commands;
        for (int variant = 0; variant < 2; ++variant) {
            const std::string v = std::to_string(variant);
            commands.push_back({"--db", s.db(), "apply", "-f",
                                s.write("big" + v + ".yaml", declaration("big", 3000, variant))});
            commands.push_back({"--db", s.db(), "user", "import", "-t", "base", "--prune",
                                s.write("agents" + v + ".csv", users_csv(3000, variant))});
        }
        double took = 0; // the longest uninterrupted run
        for (const auto& args : commands) {
            auto t0 = std::chrono::steady_clock::now();
            std::vector<std::string> argv{chatctl_bin()};
            argv.insert(argv.end(), args.begin(), args.end());
            CHECK(run_binary(argv, environment(tmp), "").code == 0);
            took = std::max(
                took, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        REQUIRE(fs::is_empty(tmp));
        std::mt19937 rng(20);
        const int kills = on_postgres() ? kKills / 4 : kKills;
        const int signals[] = {SIGTERM, SIGINT, SIGKILL};
        for (int i = 0; i < kills; ++i) {
            CAPTURE(i);
            const double at = std::uniform_real_distribution<double>(0, took)(rng);
            pid_t pid = start_binary(commands[i % 4], environment(tmp));
            std::this_thread::sleep_for(std::chrono::duration<double>(at));
            ::kill(pid, signals[(i / 4) % 3]);
            int status = 0;
            ::waitpid(pid, &status, 0);
            std::vector<std::string> left;
            for (const auto& f : fs::directory_iterator(tmp))
                left.push_back(f.path().filename().string());
            CAPTURE(left.size());
            REQUIRE(left.empty());
        }
    }
}

namespace {

// A proxy for the test server on a Unix socket of its own: it forwards every connection,
// and drops the first one that sends COMMIT after rows (COPY data: users, history) once
// the server has answered it, so that the client never learns its change was committed;
// or, `at_commit` false, the first one that sends rows, before they reach the server (as
// a server restart in the middle of a write would). Loopback only; each connection ends
// when either side closes, or when the proxy is destroyed.
class CommitDropper {
  public:
    // server_dir: the server's socket folder; dir: the proxy's.
    CommitDropper(const std::string& server_dir, const std::string& dir, bool at_commit = true)
        : server_(server_dir + "/.s.PGSQL.5432"), at_commit_(at_commit) {
        const std::string path = dir + "/.s.PGSQL.5432";
        listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a = address(path);
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(listener_, 16) == 0);
        accepting_ = std::thread([this] { accept_loop(); });
    }
    ~CommitDropper() {
        stop_ = true;
        accepting_.join();
        for (auto& t : relays_)
            t.join();
        ::close(listener_);
    }
    CommitDropper(const CommitDropper&) = delete;
    CommitDropper& operator=(const CommitDropper&) = delete;
    bool dropped() const { return dropped_; }

  private:
    static sockaddr_un address(const std::string& path) {
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        REQUIRE(path.size() < sizeof a.sun_path);
        std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
        return a;
    }

    void accept_loop() {
        while (!stop_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            relays_.emplace_back([this, client] { relay(client); });
        }
    }

    static bool send_all(int fd, const char* data, size_t n) {
        while (n > 0) {
            ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
            if (w <= 0) return false;
            data += w;
            n -= static_cast<size_t>(w);
        }
        return true;
    }

    // Forwards both ways; the client's bytes go by whole messages, to find its COMMIT.
    void relay(int client) {
        int server = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a = address(server_);
        if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(server);
            ::close(client);
            return;
        }
        std::string pending; // the client's bytes not forwarded yet
        bool started = false, open = true, copied = false;
        char buffer[1 << 16];
        while (open && !stop_) {
            pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
            if (::poll(p, 2, 50) <= 0) continue;
            if (p[1].revents) {
                ssize_t n = ::read(server, buffer, sizeof buffer);
                open = n > 0 && send_all(client, buffer, static_cast<size_t>(n));
            }
            if (!open || !p[0].revents) continue;
            ssize_t n = ::read(client, buffer, sizeof buffer);
            if (n <= 0) break;
            pending.append(buffer, static_cast<size_t>(n));
            for (;;) { // each whole message: [type] length(4, itself included) body
                const size_t head = started ? 1 : 0;
                if (pending.size() < head + 4) break;
                uint32_t length = 0;
                for (int i = 0; i < 4; ++i)
                    length = length << 8 | static_cast<unsigned char>(pending[head + i]);
                if (pending.size() < head + length) break;
                const std::string message = pending.substr(0, head + length);
                pending.erase(0, head + length);
                if (!at_commit_ && started && message[0] == 'd' && !dropped_.exchange(true)) {
                    open = false; // the rows never reach the server
                    break;
                }
                copied = copied || (started && message[0] == 'd');
                const bool commit =
                    copied && message[0] == 'Q' &&
                    message.compare(5, std::string::npos, std::string("COMMIT\0", 7)) == 0;
                started = true;
                if (!send_all(server, message.data(), message.size())) open = false;
                if (commit && !dropped_.exchange(true)) { // the server answers; the client
                    pollfd w{server, POLLIN, 0};          // never hears it
                    if (::poll(&w, 1, 10000) > 0) (void)!::read(server, buffer, sizeof buffer);
                    open = false;
                }
                if (!open) break;
            }
        }
        ::close(server);
        ::close(client);
    }

    std::string server_;
    bool at_commit_;
    int listener_ = -1;
    std::atomic<bool> stop_{false}, dropped_{false};
    std::thread accepting_;
    std::vector<std::thread> relays_;
};

// apply -f decl on the sandbox's store through a CommitDropper.
Result apply_through_proxy(const Sandbox& s, const std::string& decl, bool at_commit) {
    const std::string proxy_dir = s.dir() + "/proxy";
    fs::create_directories(proxy_dir);
    const size_t from = s.db().find("host=") + 5;
    const std::string host = s.db().substr(from, s.db().find('&') - from);
    std::string through = s.db();
    through.replace(from, host.size(), proxy_dir);
    CommitDropper proxy(host, proxy_dir, at_commit);
    Result r =
        run_binary({chatctl_bin(), "--db", through, "apply", "-f", decl}, environment(s.dir()), "");
    CHECK(proxy.dropped());
    return r;
}

} // namespace

TEST_SUITE("postgres") {

    TEST_CASE("apply losing its connection once it wrote reports it and never writes again") {
        for (const bool at_commit : {true, false}) {
            CAPTURE(at_commit);
            Sandbox s;
            s.ok({"-q", "tenant", "create", "acme"});
            const int64_t before = last_change(s);
            Result r =
                apply_through_proxy(s, s.write("acme.yaml", declaration("acme", 3)), at_commit);
            INFO("stdout: " << r.out << "\nstderr: " << r.err);
            CHECK(r.code == 6);
            CHECK(r.out.find("No changes.") == std::string::npos);
            if (at_commit) { // the reply to COMMIT lost: the change is, and was run once
                CHECK(r.err.find("whether the change was written is unknown") != std::string::npos);
                CHECK(last_change(s) == before + 1);
                CHECK(entries_of(s, before + 1) == 3);
            } else { // lost in the middle of its rows: rolled back, and not run again
                CHECK(r.err.find("lost the connection") != std::string::npos);
                CHECK(last_change(s) == before);
            }
        }
    }
}
