// The commands people look for: completion, version, schema and help.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace e2e;

TEST_SUITE("cli") {

    TEST_CASE("completion SHELL prints the installed script, byte for byte") {
        Sandbox s;
        for (const auto& [shell, file] :
             {std::pair{"bash", "chatctl.bash"}, std::pair{"zsh", "_chatctl"},
              std::pair{"fish", "chatctl.fish"}}) {
            CAPTURE(shell);
            const std::string script =
                slurp(CHATCTL_SOURCE_DIR "/completions/" + std::string(file));
            REQUIRE(!script.empty());
            Result r = s.run({"completion", shell}, {}, "", true);
            CHECK(r.code == 0);
            CHECK(r.out == script);
            CHECK(r.err.empty());
        }
        CHECK(s.run({"completion", "BASH"}, {}, "", true).out ==
              s.run({"completion", "bash"}, {}, "", true).out); // a choice: any case
        Result tcsh = s.run({"completion", "tcsh"}, {}, "", true);
        CHECK(tcsh.code == 5);
        CHECK(tcsh.out.empty());
        CHECK(tcsh.err.find("SHELL: \"tcsh\" is not one of bash, zsh, fish") != std::string::npos);
        CHECK(s.run({"completion"}, {}, "", true).code == 64);
    }

    TEST_CASE("version: the client's, and with a store its schema version") {
        Sandbox s;
        // No store given: the client's version alone, and no store is made.
        Result alone = s.run({"version", "-o", "json"}, {{"CHATCTL_DB", kUnset}}, "", true);
        REQUIRE(alone.code == 0);
        Json v = alone.json();
        const std::string client = run_binary({chatctl_bin(), "--version"}, {}, "").out;
        CHECK(client == "chatctl " + v["version"].get<std::string>() + "\n");
        CHECK(v["store"].is_null());
        CHECK(v["schema_version"].is_null());
        CHECK(v["server_version"].is_null());
        CHECK(!std::filesystem::exists(s.dir() + "/home/.local/share/chatctl"));

        s.ok({"-q", "tenant", "create", "acme"});
        Json with = s.ok({"version", "-o", "json"}).json();
        const std::string stored =
            s.query(on_postgres() ? "SELECT version FROM chatctl_version" : "PRAGMA user_version")
                .at(0)
                .at(0);
        CHECK(std::to_string(with["schema_version"].get<int64_t>()) == stored);
        CHECK(with["version"] == v["version"]);
        CHECK(with["store"].is_string());
        if (on_postgres()) {
            CHECK(with["server_version"].get<std::string>().find('.') != std::string::npos);
            CHECK(with["store"].get<std::string>().find("password") == std::string::npos);
        } else {
            CHECK(with["store"] == s.db());
            CHECK(with["server_version"].is_null());
        }
        // The same through $CHATCTL_DB, in YAML and as a table.
        Result yaml = s.run({"version", "-o", "yaml"}, {{"CHATCTL_DB", s.db()}}, "", true);
        CHECK(yaml.code == 0);
        CHECK(yaml.out.find("schema_version: " + stored + "\n") != std::string::npos);
        Result table = s.ok({"version"});
        CHECK(table.out.find("\nschema_version  " + stored + "\n") != std::string::npos);
        CHECK(s.run({"version", "-o", "name"}).code == 5);
    }

    TEST_CASE("version with a store given that does not exist is a store error, and makes none "
              "[file]") {
        Sandbox s;
        Result r = s.run({"version"});
        CHECK(r.code == 6);
        CHECK(r.out.empty());
        CHECK(!std::filesystem::exists(s.db()));
    }

    TEST_CASE("schema prints the declaration schema file") {
        Sandbox s;
        const std::string file = slurp(CHATCTL_SOURCE_DIR "/schemas/chatctl.schema.json");
        REQUIRE(!file.empty());
        Result r = s.run({"schema"}, {}, "", true);
        CHECK(r.code == 0);
        CHECK(r.out == file);
        CHECK(s.run({"schema", "-o", "json"}, {}, "", true).out == file);
        Result yaml = s.run({"schema", "-o", "yaml"}, {}, "", true);
        CHECK(yaml.code == 0);
        CHECK(yaml.out.find("\"$schema\": ") == 0);
        CHECK(yaml.out.find("tenants:") != std::string::npos);
    }

    TEST_CASE("help COMMAND... is that command's --help") {
        Sandbox s;
        for (const auto& words : std::vector<std::vector<std::string>>{
                 {}, {"user"}, {"user", "add"}, {"history"}, {"config", "set-context"}}) {
            std::vector<std::string> help{"help"}, flag = words;
            help.insert(help.end(), words.begin(), words.end());
            flag.push_back("--help");
            CAPTURE(flag.front());
            Result asked = s.run(help, {}, "", true);
            CHECK(asked.code == 0);
            CHECK(asked.out == s.run(flag, {}, "", true).out);
            CHECK(asked.out.find("Usage:") != std::string::npos);
        }
        Result own = s.run({"help", "--help"}, {}, "", true);
        CHECK(own.out.find("COMMAND") != std::string::npos);
        Result unknown = s.run({"help", "user", "lsit"}, {}, "", true);
        CHECK(unknown.code == 64);
        CHECK(unknown.err.find("did you mean `chatctl user list`?") != std::string::npos);
    }
}
