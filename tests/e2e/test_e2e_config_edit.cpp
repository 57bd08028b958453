// The config file rewritten: use-context changes current-context alone, set-context the
// settings it is given, both atomically and keeping everything else of the file; and
// what config view and get-contexts show of it (never a password).
#include "config_helpers.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

// Files in the folder other than the config file (a temporary one left behind).
int others_in(const std::string& dir) {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        n += e.path().filename() != "config.yaml";
    return n;
}

ino_t inode_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

} // namespace

TEST_SUITE("config") {

    TEST_CASE("use-context rewrites current-context alone, atomically [file]") {
        Sandbox s;
        Config c(s);
        const std::string head = "# team stores\ncurrent-context: 'dev'   # the default\n";
        const std::string rest = "contexts:\n"
                                 "  dev:  {db: ~/stores/dev.db, tenant: acme}  # mine\n"
                                 "  prod: {db: \"postgresql://chatctl@db.example/contact\", "
                                 "tenant: acme, actor: ci-bot}\n"
                                 "  2024: {}\n";
        c.write(head + rest);
        ::chmod(c.path().c_str(), 0640);
        const ino_t before = inode_of(c.path());
        Result r = c.run({"config", "use-context", "prod"});
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK(r.out.empty());
        CHECK(r.err == "Switched to context \"prod\".\n");
        CHECK(c.text() == "# team stores\ncurrent-context: prod   # the default\n" + rest);
        CHECK(inode_of(c.path()) != before); // a new file renamed over the old one
        CHECK(mode_of(c.path()) == 0640);
        CHECK(others_in(c.dir()) == 0);
        // A name YAML would read as a number is quoted.
        CHECK(c.run({"config", "use-context", "2024", "-q"}).err.empty());
        CHECK(c.text() == "# team stores\ncurrent-context: \"2024\"   # the default\n" + rest);
        CHECK(c.run({"config", "current-context"}).out == "2024\n");
        // A file without current-context gets one, before its first key.
        c.write("# mine\n" + rest);
        CHECK(c.run({"config", "use-context", "dev"}).code == 0);
        CHECK(c.text() == "# mine\ncurrent-context: dev\n" + rest);
        // An empty current-context is filled in, its comment kept.
        c.write("current-context:   # none yet\n" + rest);
        CHECK(c.run({"config", "use-context", "dev"}).code == 0);
        CHECK(c.text() == "current-context: dev   # none yet\n" + rest);
    }

    TEST_CASE(
        "use-context through a symlink writes the target, and refuses what it cannot do [file]") {
        Sandbox s;
        Config c(s);
        const std::string target = s.write("dotfiles/chatctl.yaml",
                                           "current-context: dev\ncontexts: {dev: {}, prod: {}}\n");
        std::filesystem::create_directories(c.dir());
        std::filesystem::create_symlink(target, c.path());
        CHECK(c.run({"config", "use-context", "prod"}).code == 0);
        CHECK(std::filesystem::is_symlink(c.path()));
        CHECK(c.text() == "current-context: prod\ncontexts: {dev: {}, prod: {}}\n");
        // A value over several lines is not one chatctl rewrites: the file stays as it was.
        std::filesystem::remove(c.path());
        const std::string folded = "current-context: >\n  dev\ncontexts: {dev: {}, prod: {}}\n";
        c.write(folded);
        Result r = c.run({"config", "use-context", "prod"});
        CHECK(r.code == 5);
        CHECK(r.err.find("edit the file by hand") != std::string::npos);
        CHECK(c.text() == folded);
        CHECK(others_in(c.dir()) == 0);
        // A read-only folder: an error, the file unchanged.
        c.write("current-context: dev\ncontexts: {dev: {}, prod: {}}\n");
        if (::geteuid() != 0) { // root writes anywhere
            ::chmod(c.dir().c_str(), 0500);
            CHECK(c.run({"config", "use-context", "prod"}).code == 5);
            ::chmod(c.dir().c_str(), 0700);
            CHECK(c.text() == "current-context: dev\ncontexts: {dev: {}, prod: {}}\n");
        }
    }

    TEST_CASE("set-context creates the file 0600, then changes only what it is given [file]") {
        Sandbox s;
        Config c(s);
        Result created = c.run({"config", "set-context", "dev", "--db", "~/stores/dev.db",
                                "--tenant", "acme", "--lock-timeout", "9"});
        INFO(created.err);
        REQUIRE(created.code == 0);
        CHECK(created.err.find("Context \"dev\" created") != std::string::npos);
        CHECK(mode_of(c.path()) == 0600);
        CHECK(
            c.text() ==
            "contexts:\n  dev:\n    db: ~/stores/dev.db\n    tenant: acme\n    lock-timeout: 9\n");
        const std::string mine = "# stores of the team\ncontexts:\n"
                                 "  dev:   # my laptop\n    db: ~/stores/dev.db\n    tenant: acme\n"
                                 "  prod: {db: \"postgresql://db.example/contact\"}  # shared\n";
        c.write(mine);
        REQUIRE(c.run({"config", "set-context", "dev", "--tenant", "beta", "--actor", "me",
                       "--output", "yaml"})
                    .code == 0);
        CHECK(c.text() == "# stores of the team\ncontexts:\n"
                          "  dev:   # my laptop\n    actor: me\n    output: yaml\n"
                          "    db: ~/stores/dev.db\n    tenant: beta\n"
                          "  prod: {db: \"postgresql://db.example/contact\"}  # shared\n");
        REQUIRE(c.run({"config", "set-context", "prod", "-t", "acme"}).code == 0);
        CHECK(c.text().find("  prod: {tenant: acme, db: \"postgresql://db.example/contact\"}  "
                            "# shared\n") != std::string::npos);
        REQUIRE(
            c.run({"config", "set-context", "ci", "--db", "postgresql://ci@db/x?sslmode=require"})
                .code == 0);
        CHECK(c.text().find("contexts:\n  ci: {db: \"postgresql://ci@db/x?sslmode=require\"}\n"
                            "  dev:   # my laptop\n") != std::string::npos);
        Result list = c.run({"config", "get-contexts", "-o", "json"});
        REQUIRE(list.code == 0);
        CHECK(list.json().size() == 3);
    }

    TEST_CASE("set-context refuses bad values and names, and changes nothing [file]") {
        Sandbox s;
        Config c(s);
        c.write("contexts:\n  dev: {tenant: acme}\n");
        const std::string before = c.text();
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"config", "set-context", "dev", "--tenant", "ACME"},
                 {"config", "set-context", "dev", "--output", "csv"},
                 {"config", "set-context", "dev", "--lock-timeout", "soon"},
                 {"config", "set-context", "dev", "--lock-timeout", "86401"},
                 {"config", "set-context", "dev", "--db="},
                 {"config", "set-context", "dev", "--db", "mysql://u:Zq9pw@h/d"},
                 {"config", "set-context", "dev", "--actor", "a\tb"},
                 {"config", "set-context", "bad name", "--tenant", "acme"},
                 {"config", "set-context", "été", "--tenant", "acme"}}) {
            Result r = c.run(args);
            INFO(args[3] << ": " << r.err);
            CHECK(r.code == 5);
            CHECK(r.err.find("Zq9pw") == std::string::npos);
            CHECK(c.text() == before);
        }
        CHECK(c.run({"config", "set-context", "dev"}).code == 64); // nothing to change
        Result missing = c.run({"config", "set-context", "x", "--tenant", "acme"},
                               {{"CHATCTL_CONFIG", s.dir() + "/no/such/config.yaml"}});
        CHECK(missing.code == 5);
        CHECK_FALSE(std::filesystem::exists(s.dir() + "/no"));
    }

    TEST_CASE("view and get-contexts never show a password [file]") {
        Sandbox s;
        Config c(s);
        c.write("# prod's password is Zq9secretpw\ncurrent-context: prod\ncontexts:\n"
                "  prod: {db: \"postgresql://chatctl:Zq9secretpw@127.0.0.1:1/contact\"}\n"
                "  kv: {db: \"host=db.example password=Zq9secretpw dbname=contact\"}\n"
                "  odd: {db: \"postgres://u:Zq9secretpw@h/d\", actor: ci-bot}\n"
                "  dev: {db: /stores/dev.db, lock-timeout: 3}\n");
        ::chmod(c.path().c_str(), 0600);
        Result view = c.run({"config", "view"});
        INFO(view.err);
        REQUIRE(view.code == 0);
        CHECK(view.out.find("Zq9secretpw") == std::string::npos);
        CHECK(view.out.find("postgresql://chatctl:***@127.0.0.1:1/contact") != std::string::npos);
        CHECK(view.out.find("password=***") != std::string::npos);
        CHECK(view.out.find("lock-timeout: 3") != std::string::npos);
        Result json = c.run({"config", "view", "-o", "json"});
        CHECK(json.json()["contexts"]["dev"] ==
              Json{{"db", "/stores/dev.db"}, {"lock-timeout", 3}});
        Result list = c.run({"config", "get-contexts"});
        REQUIRE(list.code == 0);
        CHECK(list.out.find("Zq9secretpw") == std::string::npos);
        CHECK(list.out.find("\n*        prod  postgresql://chatctl:***@127.0.0.1:1/contact") !=
              std::string::npos);
        CHECK(list.err.empty()); // the file is its owner's alone: no warning
        // A file others may read warns, at the password's place, without showing it.
        ::chmod(c.path().c_str(), 0644);
        Result warned = c.run({"tenant", "list"}); // a refused connection, after the warning
        CHECK(warned.err.find(c.path() + ":4:14: warning: the db of context \"prod\" holds a "
                                         "password") != std::string::npos);
        CHECK(warned.err.find("Zq9secretpw") == std::string::npos);
        CHECK(c.run({"-q", "tenant", "list"}).err.find("warning") == std::string::npos);
    }
}
