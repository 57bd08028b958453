// Contexts: the config file's settings under the command line and the variables, which
// context is used, and the file's errors; its rewriting is in test_e2e_config_edit.cpp.
#include "config_helpers.hpp"

#include <doctest/doctest.h>

using namespace e2e;

TEST_SUITE("config") {

    TEST_CASE("a context's db is used, under $CHATCTL_DB and --db") {
        Sandbox s;
        Config c(s);
        c.write("current-context: dev\ncontexts:\n  dev: {db: \"" + s.db() + "\"}\n");
        CHECK(c.run({"tenant", "create", "ctx"}).code == 0);
        CHECK(s.ok({"tenant", "show", "ctx"}).code == 0); // it went to the context's store
        const std::string other = s.dir() + "/other.db";
        Result env = c.run({"tenant", "create", "env"}, {{"CHATCTL_DB", other}});
        INFO(env.err);
        CHECK(env.code == 0);
        CHECK(s.run({"tenant", "show", "env"}).code == 3); // not in the context's store
        CHECK(c.run({"--db", other, "tenant", "show", "env"}).code == 0);
        Result flag = c.run({"--db", other, "tenant", "create", "flag"},
                            {{"CHATCTL_DB", s.dir() + "/none/x.db"}});
        CHECK(flag.code == 0);
        CHECK(c.run({"--db", other, "tenant", "show", "flag"}).code == 0);
        CHECK(s.run({"tenant", "show", "flag"}).code == 3);
    }

    TEST_CASE("a context's db never creates a missing folder [file]") {
        Sandbox s;
        Config c(s);
        c.write("current-context: dev\ncontexts:\n  dev: {db: nowhere/chatctl.db}\n");
        Result r = c.run({"tenant", "create", "acme"});
        CHECK(r.code == 6);
        CHECK(r.err.find("db of context \"dev\"") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(c.dir() + "/nowhere"));
        // A relative db is beside the config file; ~/ is the home folder.
        c.write("current-context: dev\ncontexts:\n  dev: {db: here.db}\n");
        CHECK(c.run({"tenant", "create", "acme"}).code == 0);
        CHECK(std::filesystem::exists(c.dir() + "/here.db"));
        c.write("current-context: dev\ncontexts:\n  dev: {db: ~/home.db}\n");
        CHECK(c.run({"tenant", "create", "acme"}).code == 0);
        CHECK(std::filesystem::exists(s.dir() + "/home/home.db"));
    }

    TEST_CASE("tenant, actor, output and lock-timeout: command line, variable, context") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"tenant", "create", "beta"});
        s.ok({"profile", "add", "OnlyBeta", "-t", "beta"});
        Config c(s);
        c.write("current-context: dev\ncontexts:\n  dev:\n    db: \"" + s.db() +
                "\"\n    tenant: acme\n    actor: ci-bot\n    output: json\n    lock-timeout: 7\n");
        Result ctx = c.run({"profile", "list"}, {{"CHATCTL_ACTOR", kUnset}});
        INFO(ctx.err);
        REQUIRE(ctx.code == 0);
        REQUIRE(ctx.json().size() == 1); // JSON, from the context, of acme's profiles
        CHECK(ctx.json()[0]["tenant"] == "acme");
        Result env = c.run({"profile", "list"}, {{"CHATCTL_TENANT", "beta"}});
        REQUIRE(env.code == 0);
        CHECK(env.json().size() == 2);
        Result flag =
            c.run({"profile", "list", "-t", "acme", "-o", "yaml"}, {{"CHATCTL_TENANT", "beta"}});
        REQUIRE(flag.code == 0);
        CHECK(flag.out.find("OnlyBeta") == std::string::npos);
        CHECK(flag.out.find("tenant: acme") != std::string::npos);
        // The actor: the context's, under $CHATCTL_ACTOR, under --actor.
        CHECK(c.run({"profile", "add", "A", "-q"}, {{"CHATCTL_ACTOR", kUnset}}).code == 0);
        CHECK(c.run({"profile", "add", "B", "-q"}, {{"CHATCTL_ACTOR", "env-bot"}}).code == 0);
        CHECK(c.run({"profile", "add", "C", "-q", "--actor", "flag-bot"}).code == 0);
        Result history = c.run({"history", "-t", "acme", "--limit", "3"});
        REQUIRE(history.code == 0);
        const Json h = history.json();
        REQUIRE(h.size() == 3);
        CHECK(h[0]["actor"] == "flag-bot");
        CHECK(h[1]["actor"] == "env-bot");
        CHECK(h[2]["actor"] == "ci-bot");
        // -o on the command line wins over the context's output.
        Result table = c.run({"tenant", "list", "-o", "table"});
        CHECK(table.out.rfind("TENANT", 0) == 0);
    }

    TEST_CASE("the context's lock-timeout is how long a write waits; --lock-timeout wins") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        Config c(s);
        c.write("current-context: dev\ncontexts:\n  dev: {db: \"" + s.db() +
                "\", lock-timeout: 0}\n");
        LockHolder lock(s);
        auto started = std::chrono::steady_clock::now();
        Result r = c.run({"tenant", "create", "x"});
        CHECK(r.code == 6);
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
        started = std::chrono::steady_clock::now();
        CHECK(c.run({"--lock-timeout", "2", "tenant", "create", "y"}).code == 6);
        CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(1900));
    }

    TEST_CASE("--context, else $CHATCTL_CONTEXT, else current-context") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"tenant", "create", "beta"});
        Config c(s);
        c.write("current-context: a\ncontexts:\n  a: {db: \"" + s.db() + "\", tenant: acme}\n" +
                "  b: {db: \"" + s.db() + "\", tenant: beta}\n  c: {db: \"" + s.db() +
                "\", tenant: zeta}\n");
        auto tenant_of = [&](std::vector<std::string> args,
                             std::map<std::string, std::string> env) {
            args.insert(args.end(), {"profile", "list", "-o", "json"});
            Result r = c.run(args, env);
            INFO(r.err);
            return r.code == 0 && !r.json().empty() ? r.json()[0]["tenant"].get<std::string>()
                                                    : "exit " + std::to_string(r.code);
        };
        CHECK(tenant_of({}, {}) == "acme");
        CHECK(tenant_of({}, {{"CHATCTL_CONTEXT", "b"}}) == "beta");
        CHECK(tenant_of({"--context", "a"}, {{"CHATCTL_CONTEXT", "b"}}) == "acme");
        CHECK(tenant_of({"--context", "c"}, {}) == "exit 3"); // zeta is not in the store
        Result current = c.run({"config", "current-context"}, {{"CHATCTL_CONTEXT", "b"}});
        CHECK(current.out == "b\n");
    }

    TEST_CASE("an unknown context is invalid input with the nearest name, changing nothing") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        Config c(s);
        c.write("current-context: prod\ncontexts:\n  prod: {db: \"" + s.db() + "\"}\n");
        const std::string before = s.dump(), file = c.text();
        for (auto [args, env] :
             {std::pair{std::vector<std::string>{"--context", "prd", "tenant", "create", "x"},
                        std::map<std::string, std::string>{}},
              std::pair{std::vector<std::string>{"tenant", "create", "x"},
                        std::map<std::string, std::string>{{"CHATCTL_CONTEXT", "prdo"}}},
              std::pair{std::vector<std::string>{"config", "use-context", "pord"},
                        std::map<std::string, std::string>{}}}) {
            Result r = c.run(args, env);
            INFO(r.err);
            CHECK(r.code == 5);
            CHECK(r.err.find("unknown context") != std::string::npos);
            CHECK(r.err.find("did you mean \"prod\"?") != std::string::npos);
        }
        CHECK(c.run({"--context=", "tenant", "list"}).code == 5);
        CHECK(c.run({"tenant", "list"}, {{"CHATCTL_CONTEXT", ""}}).code == 5);
        // A current-context that names no context is shown where it is.
        c.write("contexts:\n  prod: {db: \"" + s.db() + "\"}\ncurrent-context: prdo\n");
        Result dangling = c.run({"tenant", "create", "x"});
        CHECK(dangling.code == 5);
        CHECK(dangling.err.find(c.path() + ":3:18: error:") != std::string::npos);
        CHECK(s.dump() == before);
        // use-context repairs it.
        CHECK(c.run({"config", "use-context", "prod"}).code == 0);
        CHECK(c.run({"tenant", "show", "acme"}).code == 0);
    }

    TEST_CASE("a malformed file is invalid input at FILE:LINE:COL, for every command [file]") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        Config c(s);
        const std::string before = s.dump();
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"contexts:\n  dev: {db: x.db\n", ":3:1: error:"}, // an unclosed flow map
            {"contexts:\n  dev:\n    tenat: acme\n", ":3:5: error: unknown key \"tenat\""},
            {"contexts:\n  dev: {db: a.db, db: b.db}\n",
             ":2:19: error: the key \"db\" is given twice"},
            {"contexts:\n  dév: {tenant: ACME}\n", ":2:17: error: tenant of context \"dév\""},
            {"contexts:\n  dev: {lock-timeout: \"5\"}\n", ":2:23: error: lock-timeout"},
            {"contexts:\n  dev: {output: csv}\n", ":2:17: error: output of context"},
            {"contexts:\n  dev: {db: \"mysql://u:Zq9pw@h/d\"}\n", ":2:13: error: db of context"},
            {"curent-context: dev\n", ":1:1: error: unknown key \"curent-context\"; did you mean"},
            {"- a\n- b\n", ":1:1: error: the config file must be a mapping"},
            {"contexts: {}\n---\ncontexts: {}\n", ":3:1: error: one document only"},
        };
        for (const auto& [text, expected] : cases) {
            c.write(text);
            for (auto args : {std::vector<std::string>{"tenant", "create", "x"},
                              std::vector<std::string>{"config", "view"}}) {
                Result r = c.run(args);
                INFO(text << "\n" << r.err);
                CHECK(r.code == 5);
                CHECK(r.err.find(c.path() + expected) != std::string::npos);
                CHECK(r.err.find("Zq9pw") == std::string::npos);
                CHECK(r.out.empty());
            }
        }
        CHECK(s.dump() == before);
        CHECK(c.run({"tenant", "list"}, {{"CHATCTL_CONFIG", ""}}).code == 5);
        c.write("contexts: {}\n");
        CHECK(c.run({"tenant", "list"}, {{"CHATCTL_CONFIG", c.dir()}}).code == 5); // a folder
    }

    TEST_CASE("a missing or empty file is no error [file]") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        Config c(s);
        CHECK(s.run({"tenant", "list"}).code == 0);
        Result list = c.run({"config", "get-contexts", "-o", "json"});
        CHECK(list.code == 0);
        CHECK(list.json() == Json::array());
        Result current = c.run({"config", "current-context"});
        CHECK(current.code == 3);
        CHECK(current.err.find("config use-context") != std::string::npos);
        CHECK(c.run({"--context", "dev", "tenant", "list"}).code == 5);
        CHECK_FALSE(std::filesystem::exists(c.path())); // nothing creates it but set-context
        c.write("# nothing yet\n");
        CHECK(s.run({"tenant", "list"}).code == 0);
        CHECK(c.run({"config", "view", "-o", "json"}).json() ==
              Json{{"current-context", nullptr}, {"contexts", Json::object()}});
    }

    TEST_CASE("$CHATCTL_CONFIG, else $XDG_CONFIG_HOME, else ~/.config [file]") {
        Sandbox s;
        const std::string text = "contexts:\n  here: {tenant: acme}\n";
        s.write("home/.config/chatctl/config.yaml", text + "  home: {}\n");
        s.write("xdg/chatctl/config.yaml", text + "  xdg: {}\n");
        s.write("elsewhere.yaml", text + "  env: {}\n");
        auto names = [&](std::map<std::string, std::string> env) {
            Result r = s.run({"config", "get-contexts", "-o", "json"}, env, "", true);
            std::string out;
            for (const auto& row : r.json())
                out += row["name"].get<std::string>() + " ";
            return out;
        };
        CHECK(names({}) == "here home ");
        CHECK(names({{"XDG_CONFIG_HOME", s.dir() + "/xdg"}}) == "here xdg ");
        CHECK(names({{"XDG_CONFIG_HOME", "xdg"}}) == "here home "); // relative: ignored
        CHECK(names({{"XDG_CONFIG_HOME", s.dir() + "/xdg"},
                     {"CHATCTL_CONFIG", s.dir() + "/elsewhere.yaml"}}) == "here env ");
    }
}
