// The store: where it is, its permissions, what read commands may not do, bad stores,
// the lock, and the upgrade of an older schema.
#include "core/store/sqlite/schema.hpp"
#include "harness.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

int mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

} // namespace

TEST_SUITE("store") {

    TEST_CASE("the path: --db, else CHATCTL_DB, else XDG_DATA_HOME, else ~/.local/share") {
        Sandbox s;
        std::string home = s.dir() + "/home";
        CHECK(s.run({"tenant", "create", "h"}, {}, "", true).code == 0);
        CHECK(fs::exists(home + "/.local/share/chatctl/chatctl.db"));
        CHECK(s.run({"tenant", "create", "x"}, {{"XDG_DATA_HOME", s.dir() + "/xdg"}}, "", true)
                  .code == 0);
        CHECK(fs::exists(s.dir() + "/xdg/chatctl/chatctl.db"));
        CHECK(s.run({"tenant", "create", "e"},
                    {{"XDG_DATA_HOME", s.dir() + "/xdg"}, {"CHATCTL_DB", s.dir() + "/env.db"}}, "",
                    true)
                  .code == 0);
        CHECK(fs::exists(s.dir() + "/env.db"));
        CHECK(s.run({"tenant", "create", "f"}, {{"CHATCTL_DB", s.dir() + "/env.db"}}).code == 0);
        CHECK(s.ok({"tenant", "show", "f"}).code == 0); // --db won over CHATCTL_DB
        Result env = s.run({"tenant", "list", "-o", "json"}, {{"CHATCTL_DB", s.dir() + "/env.db"}},
                           "", true);
        REQUIRE(env.code == 0);
        CHECK(env.json().size() == 1);
    }

    TEST_CASE("the first write creates the file 0600, and the default location's folders 0700") {
        Sandbox s;
        mode_t old = ::umask(0);
        Result r =
            s.run({"tenant", "create", "acme"}, {{"XDG_DATA_HOME", s.dir() + "/a/b"}}, "", true);
        ::umask(old);
        REQUIRE(r.code == 0);
        const std::string db = s.dir() + "/a/b/chatctl/chatctl.db";
        CHECK(mode_of(db) == 0600);
        CHECK(mode_of(s.dir() + "/a") == 0700);
        CHECK(mode_of(s.dir() + "/a/b/chatctl") == 0700);
        CHECK(r.err.find("created store " + db + "\n") != std::string::npos);
    }

    TEST_CASE("a path given by --db or $CHATCTL_DB never gets its folder made [file]") {
        Sandbox s;
        const std::string decl = s.write("acme.yaml", "tenants:\n  - tenant: acme\n");
        const std::string db = s.dir() + "/nonexistent/dir/x.db";
        for (const auto& [args, env] :
             std::vector<std::pair<std::vector<std::string>, std::map<std::string, std::string>>>{
                 {{"--db", db, "apply", "-f", decl}, {}},
                 {{"apply", "-f", decl}, {{"CHATCTL_DB", db}}},
                 {{"--db", db, "tenant", "create", "acme"}, {}},
                 {{"--db", db, "store", "init"}, {}}}) {
            Result r = s.run(args, env, "", true);
            CHECK(r.code == 6);
            CHECK(r.err.find("the folder " + s.dir() + "/nonexistent/dir does not exist") !=
                  std::string::npos);
            CHECK(!fs::exists(s.dir() + "/nonexistent"));
        }
        // Where the folder is there, the file is made, and said so (not with -q).
        Result made = s.run({"--db", s.dir() + "/x.db", "tenant", "create", "acme"}, {}, "", true);
        CHECK(made.code == 0);
        CHECK(made.err.find("created store " + s.dir() + "/x.db\n") != std::string::npos);
        Result quiet =
            s.run({"-q", "--db", s.dir() + "/y.db", "tenant", "create", "acme"}, {}, "", true);
        CHECK(quiet.code == 0);
        CHECK(quiet.err.empty());
        CHECK(fs::exists(s.dir() + "/y.db"));
        Result again = s.run({"--db", s.dir() + "/x.db", "tenant", "create", "beta"}, {}, "", true);
        CHECK(again.err.find("created store") == std::string::npos);
    }

    TEST_CASE("the first write says it created the store, on either store; later ones do not") {
        Sandbox s;
        // A write that fails creates nothing, and says nothing of it.
        Result refused = s.run({"profile", "add", "P", "-t", "nobody"});
        CHECK(refused.code == 3);
        CHECK(refused.err.find("created store") == std::string::npos);
        Result first = s.run({"tenant", "create", "acme"});
        REQUIRE(first.code == 0);
        // Named as every message names it: a file's path, a database's name.
        const std::string name =
            on_postgres()
                ? s.db().substr(s.db().find(":///") + 4, s.db().find('?') - s.db().find(":///") - 4)
                : s.db();
        CAPTURE(first.err);
        CHECK(first.err.rfind("created store ", 0) == 0);
        CHECK(first.err.find(name) != std::string::npos);
        Result next = s.run({"tenant", "create", "beta"});
        CHECK(next.code == 0);
        CHECK(next.err.find("created store") == std::string::npos);
    }

    TEST_CASE("first writers racing: one creates the store, the others write to it [file]") {
        Sandbox s;
        std::vector<pid_t> pids;
        for (int i = 0; i < 6; ++i)
            pids.push_back(
                start_binary({"--db", s.db(), "tenant", "create", "t" + std::to_string(i)},
                             {"HOME=" + s.dir(), "CHATCTL_ACTOR=t"}));
        for (pid_t pid : pids) {
            int status = 0;
            ::waitpid(pid, &status, 0);
            CHECK(WIFEXITED(status));
            CHECK(WEXITSTATUS(status) == 0);
        }
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json().size() == 6);
        CHECK(s.ok({"history", "-o", "json"}).json().size() == 12);
        std::string left = "";
        for (const auto& e : fs::directory_iterator(s.dir()))
            if (e.path().filename().string().find("chatctl-new") != std::string::npos)
                left += e.path().string();
        CHECK(left.empty());
    }

    TEST_CASE("a read command on a missing store fails, says how to create one, creates nothing") {
        Sandbox s;
        for (auto args : std::vector<std::vector<std::string>>{
                 {"tenant", "list"}, {"profile", "list", "-t", "acme"}, {"history"}}) {
            Result r = s.run(args);
            CHECK(r.code == 6);
            CHECK(r.err.find("no store at") != std::string::npos);
            CHECK(r.err.find("tenant create") != std::string::npos);
            CHECK(s.dump().empty());
            if (!on_postgres()) CHECK(!fs::exists(s.db()));
        }
    }

    TEST_CASE("read commands leave the store's bytes as they were") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"user", "add", "a", "-t", "acme"});
        std::string bytes = s.bytes();
        s.ok({"tenant", "list"});
        s.ok({"profile", "show", "Default", "-t", "acme", "-o", "yaml"});
        s.ok({"user", "list", "-t", "acme"});
        s.ok({"history"});
        CHECK(s.bytes() == bytes);
    }

    TEST_CASE(
        "corrupt, foreign, empty and newer stores are store errors and stay untouched [file]") {
        Sandbox s;
        std::string garbage = "this is not a database at all, just bytes ";
        for (int i = 0; i < 8; ++i)
            garbage += garbage;
        write_file(s.db(), garbage);
        expect_refused(s, {"tenant", "list"}, 6);
        expect_refused(s, {"tenant", "create", "acme"}, 6);

        fs::remove(s.db());
        {
            SQLite::Database other(s.db(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            other.exec("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x')");
        }
        expect_refused(s, {"tenant", "list"}, 6, "not a chatctl store");
        expect_refused(s, {"tenant", "create", "acme"}, 6, "not a chatctl store");

        fs::remove(s.db());
        s.ok({"tenant", "create", "acme"});
        CHECK(s.sql("PRAGMA user_version = 99").empty());
        expect_refused(s, {"tenant", "list"}, 6, "newer");
        expect_refused(s, {"tenant", "create", "beta"}, 6, "newer");

        fs::remove(s.db());
        write_file(s.db(), "");
        expect_refused(s, {"tenant", "list"}, 6);
    }

    TEST_CASE("a store that cannot be created or written is a store error [file]") {
        Sandbox s;
        write_file(s.dir() + "/file", "x");
        Result r =
            s.run({"tenant", "create", "acme", "--db", s.dir() + "/file/store.db"}, {}, "", true);
        CHECK(r.code == 6);
        CHECK(r.err.find("chatctl: error: ") == 0);
        Result dir = s.run({"tenant", "create", "acme", "--db", s.dir()}, {}, "", true);
        CHECK(dir.code == 6);

        // A store the user may read but not write (run as another user when we are root).
        s.ok({"tenant", "create", "acme"});
        fs::permissions(s.dir(), fs::perms(0755));
        fs::permissions(s.db(), fs::perms(0644));
        std::vector<std::string> prefix;
        if (::geteuid() == 0) {
            REQUIRE(fs::exists("/usr/bin/setpriv"));
            prefix = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
        }
        auto as_other = [&](std::vector<std::string> args) {
            std::vector<std::string> argv = prefix;
            argv.push_back(chatctl_bin());
            argv.insert(argv.end(), args.begin(), args.end());
            return run_binary(argv, {"HOME=/nonexistent", "LANG=C.UTF-8"}, "");
        };
        std::string before = s.dump();
        Result w = as_other({"tenant", "create", "beta", "--db", s.db()});
        CHECK(w.code == 6);
        CHECK(w.err.find("chatctl: error: ") != std::string::npos);
        CHECK(s.dump() == before);
    }

    TEST_CASE("a second writer waits for the lock, then fails with a store error") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        auto holder = std::make_unique<LockHolder>(s);
        std::string before = s.dump();
        Result r = s.run({"profile", "add", "P", "-t", "acme", "--lock-timeout", "1"});
        CHECK(r.code == 6);
        CHECK(r.err.find("locked") != std::string::npos);
        // Readers are not blocked by a writer.
        CHECK(s.run({"profile", "list", "-t", "acme"}).code == 0);
        holder.reset();
        CHECK(s.dump() == before);
        s.ok({"profile", "add", "P", "-t", "acme", "--lock-timeout", "1"});
        expect_refused(s, {"tenant", "list", "--lock-timeout", "-1"}, 5, "--lock-timeout");
        expect_refused(s, {"tenant", "list", "--lock-timeout", "soon"}, 5, "--lock-timeout");
    }

    TEST_CASE("an older store is read as it is and upgraded by the first write, data kept [file]") {
        Sandbox s;
        write_version1_store(s);
        std::string bytes = s.bytes();
        Json users = s.ok({"user", "list", "-t", "old", "-o", "json"}).json();
        REQUIRE(users.size() == 1);
        CHECK(users[0]["login"] == "ann");
        CHECK(s.bytes() == bytes);
        s.ok({"user", "add", "ben", "-t", "old"});
        SQLite::Database db(s.db(), SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("PRAGMA user_version").getInt() ==
              chatctl::sqlite::schema::current_version());
        CHECK(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'history_by_tenant'")
                  .getInt() == 1);
        CHECK(db.execAndGet("SELECT count(*) FROM users").getInt() == 2);
        CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
        // Tenants have owners now, none until one is given.
        CHECK(s.ok({"tenant", "show", "old", "-o", "json"}).json()["owner"].is_null());
        s.ok({"tenant", "edit", "old", "--owner", "ci"});
        CHECK(s.ok({"tenant", "show", "old", "-o", "json"}).json()["owner"] == "ci");
    }

    TEST_CASE("an older store holding control characters is not upgraded; named, left as it was "
              "[file]") {
        Sandbox s;
        {
            SQLite::Database db(s.db(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("BEGIN");
            for (int v = 0; v < 4; ++v)
                db.exec(chatctl::sqlite::schema::migrations()[static_cast<size_t>(v)]);
            db.exec("INSERT INTO tenants (id, key, default_profile_id) VALUES (1, 'acme', 1);"
                    "INSERT INTO profiles (id, tenant_id, name) VALUES (1, 1, 'Default');"
                    "INSERT INTO users (tenant_id, login, email, profile_id) VALUES "
                    "(1, 'bob', 'b' || char(27) || '[31m@x', 1);"
                    "INSERT INTO history (change, at, actor, command, tenant, kind, key, action) "
                    "VALUES (1, '2026-01-01T10:00:00.000Z', 'a' || char(155), 'x', 'acme', "
                    "'tenant', 'acme', 'create');"
                    "PRAGMA user_version = 4");
            db.exec("COMMIT");
        }
        const std::string bytes = s.bytes();
        // Read as it is, the control escaped.
        Result r = s.ok({"user", "show", "bob", "-t", "acme"});
        CHECK(r.out.find("b\\x1b[31m@x") != std::string::npos);
        CHECK(s.ok({"user", "show", "bob", "-t", "acme", "-o", "json"}).json()["email"] ==
              "b\x1b[31m@x");
        // A write upgrades first, and the upgrade names what stops it.
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"user", "edit", "bob", "-t", "acme", "--name", "Bobby"},
              {"store", "upgrade"}}) {
            r = s.run(args);
            INFO("stderr: " << r.err);
            CHECK(r.code == 6);
            CHECK(r.err.find("user acme/bob (email)") != std::string::npos);
            CHECK(r.err.find("history entry 1 (actor)") != std::string::npos);
            CHECK(r.err.find('\x1b') == std::string::npos);
            CHECK(s.bytes() == bytes);
        }
        // Once corrected, it is upgraded, and the edit goes through.
        REQUIRE(s.sql("UPDATE users SET email = 'b@x'; UPDATE history SET actor = 'a'") == "");
        CHECK(s.ok({"store", "upgrade", "-o", "json"}).json()["schema_version"] ==
              chatctl::sqlite::schema::current_version());
        s.ok({"user", "edit", "bob", "-t", "acme", "--name", "Bobby"});
        CHECK(!s.sql("UPDATE users SET email = 'b' || char(27) || '@x'").empty());
        CHECK(!s.sql("UPDATE tenants SET owner = 'ci' || char(27)").empty());
        CHECK(s.sql("UPDATE tenants SET owner = 'ci'").empty());
    }

    TEST_CASE("store init and store upgrade say what they did, on either store") {
        Sandbox s;
        const int current = on_postgres() ? 0 : chatctl::sqlite::schema::current_version();
        Result created = s.run({"store", "init", "-o", "json"});
        REQUIRE(created.code == 0);
        Json j = created.json();
        CHECK(j["done"] == "created");
        CHECK(j["previous_version"].is_null());
        CHECK(j["granted_to"].is_null());
        CHECK(created.err.empty()); // said once, in the report
        if (current) CHECK(j["schema_version"] == current);
        const std::string store = j["store"];
        const std::string version = std::to_string(j["schema_version"].get<int>());
        j = s.ok({"store", "init", "-o", "json"}).json();
        CHECK(j["done"] == "nothing");
        CHECK(j["previous_version"] == j["schema_version"]);
        CHECK(s.ok({"store", "upgrade"}).out ==
              store + " is at schema version " + version + ": nothing to do.\n");
        Sandbox fresh;
        CHECK(fresh.ok({"store", "init"}).out.rfind("Created the store ", 0) == 0);
        if (on_postgres()) return;
        Sandbox old;
        write_version1_store(old);
        CHECK(old.ok({"store", "upgrade"}).out ==
              "Upgraded " + old.db() + " from schema version 1 to " + version + ".\n");
        // And an upgraded store records reasons.
        old.ok({"user", "add", "ben", "-t", "old", "-m", "hired"});
        CHECK(old.ok({"history", "--changes", "-o", "json"}).json()[0]["reason"] == "hired");
    }

    TEST_CASE("an older history gets change numbers, one per command, and milliseconds [file]") {
        Sandbox s;
        {
            SQLite::Database db(s.db(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("BEGIN");
            for (int v = 0; v < 3; ++v)
                db.exec(chatctl::sqlite::schema::migrations()[static_cast<size_t>(v)]);
            db.exec("INSERT INTO tenants (id, key, default_profile_id) VALUES (1, 'old', 1);"
                    "INSERT INTO profiles (id, tenant_id, name) VALUES (1, 1, 'Default');"
                    "INSERT INTO history (at, actor, command, tenant, kind, key, action) VALUES "
                    "('2026-01-01T10:00:00Z', 'a', 'tenant create', 'old', 'tenant', 'old', "
                    "'create'),"
                    "('2026-01-01T10:00:00Z', 'a', 'tenant create', 'old', 'profile', 'Default', "
                    "'create'),"
                    "('2026-01-01T10:00:00Z', 'a', 'profile edit', 'old', 'profile', 'Default', "
                    "'update'),"
                    "('2026-01-01T10:00:00Z', 'b', 'profile edit', 'old', 'profile', 'Default', "
                    "'update');"
                    "PRAGMA user_version = 3");
            db.exec("COMMIT");
        }
        // Read before the upgrade: history says how to upgrade, and reads nothing of the rest.
        Result old = s.run({"history"});
        CHECK(old.code == 6);
        CHECK(old.err.find("older than this chatctl's") != std::string::npos);
        CHECK(old.err.find("chatctl store upgrade") != std::string::npos);
        CHECK(old.err.find("restore a backup") == std::string::npos);
        s.ok({"user", "add", "ann", "-t", "old"});
        Json h = s.ok({"history", "-o", "json"}).json();
        REQUIRE(h.size() == 5);
        CHECK(h[0]["change"] == 4);
        CHECK(h[1]["change"] == 3); // another actor: another command
        CHECK(h[2]["change"] == 2);
        CHECK(h[3]["change"] == 1);
        CHECK(h[4]["change"] == 1);
        CHECK(h[4]["at"] == "2026-01-01T10:00:00.000Z");
    }

    TEST_CASE("a SQLite store, --version, --help and completion never load libpq [file]") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        const std::map<std::string, std::string> debug{{"LD_DEBUG", "libs"},
                                                       {"CHATCTL_DB", s.db()}};
        for (const auto& args :
             std::vector<std::vector<std::string>>{{"tenant", "list"},
                                                   {"--version"},
                                                   {"--help"},
                                                   {"__complete", "tenant", "show", ""}}) {
            CAPTURE(args[0]);
            Result r = s.run(args, debug, "", true);
            CHECK(r.code == 0);
            if (args[0] != "--version" && args[0] != "--help")
                CHECK(r.out.find("acme") != std::string::npos);
            CHECK(r.err.find("libsqlite3") != std::string::npos); // the loader did report
            CHECK(r.err.find("libpq") == std::string::npos);
            CHECK(r.err.find("libchatctl-postgres") == std::string::npos);
        }
    }

    TEST_CASE(
        "without its PostgreSQL module chatctl names what to install; SQLite needs none [file]") {
        Sandbox s;
        fs::create_directories(s.dir() + "/bin");
        const std::string alone = s.dir() + "/bin/chatctl"; // no module beside it, nor in ../lib
        fs::copy_file(chatctl_bin(), alone);
        const std::vector<std::string> env{"HOME=" + s.dir(), "LANG=C.UTF-8"};
        Result pg = run_binary({alone, "--db", "postgresql:///chatctl?host=/nonexistent", "tenant",
                                "list", "-o", "json"},
                               env, "");
        CHECK(pg.code == 6);
        const Json error = pg.err_json()["error"];
        CHECK(error["kind"] == "store");
        CHECK(error["message"].get<std::string>().find("PostgreSQL module is not installed") !=
              std::string::npos);
        CHECK(error["hints"][0].get<std::string>().find("reinstall the chatctl package") !=
              std::string::npos);
        CHECK(error["hints"][0].get<std::string>().find("libpq5") != std::string::npos);
        CHECK(run_binary({alone, "--db", s.dir() + "/x.db", "-q", "tenant", "create", "acme"}, env,
                         "")
                  .code == 0);
    }

} // TEST_SUITE
