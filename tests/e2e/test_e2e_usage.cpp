// The command line means what it says: `--opt=` is an empty value for every option of
// every command, usage errors are in chatctl's words and point to the command's --help,
// and the tenant and store variables are named as themselves.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

using namespace e2e;

namespace {

// Every command, with arguments that make it valid on the fixture store below. Each
// group of words is one argument or one option with its value, so that the option under
// test can take the place of its own group.
const std::map<std::string, std::vector<std::vector<std::string>>>& commands() {
    static const std::map<std::string, std::vector<std::vector<std::string>>> table = {
        {"tenant create", {{"newt"}}},
        {"tenant edit", {{"acme"}, {"--display-name", "X"}}},
        {"tenant list", {}},
        {"tenant show", {{"acme"}}},
        {"tenant delete", {{"acme"}, {"--force"}}},
        {"profile add", {{"P2"}, {"-t", "acme"}}},
        {"profile edit", {{"Experts"}, {"-t", "acme"}, {"--max-chats", "4"}}},
        {"profile set-default", {{"Experts"}, {"-t", "acme"}}},
        {"profile delete", {{"Experts"}, {"-t", "acme"}, {"--reassign-to", "Default"}}},
        {"profile list", {{"-t", "acme"}}},
        {"profile show", {{"Experts"}, {"-t", "acme"}}},
        {"user add", {{"carol"}, {"-t", "acme"}}},
        {"user edit", {{"alice"}, {"-t", "acme"}, {"--name", "A"}}},
        {"user assign", {{"alice"}, {"-t", "acme"}, {"--profile", "Default"}}},
        {"user delete", {{"alice"}, {"-t", "acme"}}},
        {"user list", {{"-t", "acme"}}},
        {"user show", {{"alice"}, {"-t", "acme"}}},
        {"user find", {{"alice"}}},
        {"version", {}},
        {"history", {}},
        {"apply", {{"-f", "decl.yaml"}}},
        {"plan", {{"-f", "decl.yaml"}}},
        {"export", {}},
        {"simulate", {{"-t", "acme"}, {"--arrivals", "10/h"}, {"--talk", "3m"}}},
    };
    return table;
}

// Options whose empty value means "none" (an optional text); every other option needs
// a value, and an empty one is invalid input.
const std::set<std::string> kOptionalText = {"--display-name", "--description", "--name",
                                             "--email"};

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

// The options a command's --help lists that take a value (`--max-chats N`), as
// {long name, short name or ""}.
std::vector<std::pair<std::string, std::string>> value_options(const Sandbox& s,
                                                               const std::string& command) {
    auto args = words(command);
    args.push_back("--help");
    Result help = s.run(args, {}, "", true);
    REQUIRE(help.code == 0);
    std::vector<std::pair<std::string, std::string>> out;
    static const std::regex line(R"(^  (?:(-\w), )?(--[\w-]+) \S)");
    std::istringstream in(help.out);
    for (std::string l; std::getline(in, l);)
        if (std::smatch m; std::regex_search(l, m, line)) out.push_back({m[2], m[1]});
    return out;
}

void fixture(const Sandbox& s) {
    s.ok({"tenant", "create", "acme", "--display-name", "ACME"});
    s.ok({"profile", "add", "Experts", "-t", "acme", "--description", "L2"});
    s.ok({"user", "add", "alice", "-t", "acme", "--name", "Alice", "--email", "a@x.example",
          "--profile", "Experts"});
    std::ofstream(s.dir() + "/decl.yaml") << "tenants:\n  - tenant: acme\n";
}

// The fixture in s: a copy of model's store file on SQLite (one process fewer per
// command tried, three in all), made anew on PostgreSQL.
void fixture_like(const Sandbox& model, const Sandbox& s) {
    if (on_postgres()) return fixture(s);
    std::filesystem::copy_file(model.db(), s.db(),
                               std::filesystem::copy_options::overwrite_existing);
    std::ofstream(s.dir() + "/decl.yaml") << "tenants:\n  - tenant: acme\n";
}

} // namespace

TEST_SUITE("usage") {

    TEST_CASE("--opt= is the empty value of every value option of every command, and never "
              "takes the next word") {
        Sandbox probe;
        fixture(probe);
        size_t tried = 0;
        // A refused command leaves the store as it was, so the next one may use it; one
        // that wrote gets a fresh copy of the fixture.
        std::unique_ptr<Sandbox> store;
        for (const auto& [command, base] : commands()) {
            for (const auto& [option, short_name] : value_options(probe, command)) {
                for (const std::string& spelling : {option + "=", short_name}) {
                    if (spelling.empty()) continue;
                    if (!store) {
                        store = std::make_unique<Sandbox>();
                        fixture_like(probe, *store);
                    }
                    const Sandbox& s = *store;
                    std::vector<std::string> args = words(command);
                    for (const auto& group : base)
                        if (group[0] != option && group[0] != short_name)
                            args.insert(args.end(), group.begin(), group.end());
                    // `-t` has no `=` form: the empty word is its value.
                    if (spelling == short_name) {
                        args.push_back(short_name);
                        args.push_back("");
                    } else {
                        args.push_back(spelling);
                    }
                    args.push_back("-q"); // what --opt= must not swallow
                    bool own_db = option == "--db";
                    if (!own_db) args.insert(args.begin(), {"--db", s.db()});
                    std::string before = s.dump();
                    Result r = run_binary(
                        [&] {
                            std::vector<std::string> argv{chatctl_bin()};
                            argv.insert(argv.end(), args.begin(), args.end());
                            return argv;
                        }(),
                        {"HOME=" + s.dir(), "CHATCTL_ACTOR=tester"}, "");
                    ++tried;
                    CAPTURE(command);
                    CAPTURE(spelling);
                    INFO("stderr: " << r.err);
                    const std::string after = s.dump();
                    CHECK(r.err.find("\"-q\"") == std::string::npos);
                    CHECK(after.find("-q") == std::string::npos);
                    // tenant edit --owner '' releases a tenant; apply's --owner needs a name.
                    if (kOptionalText.count(option) ||
                        (option == "--owner" && command == "tenant edit")) {
                        CHECK(r.code == 0);
                        CHECK(r.out.empty()); // -q was read as -q
                        store.reset();
                    } else {
                        CHECK(r.code == 5);
                        CHECK(after == before);
                        if (after != before) store.reset();
                    }
                }
            }
        }
        CHECK(tried > 60); // every command's options were found and tried
    }

    TEST_CASE("an empty optional text clears it on edit and means none on create") {
        Sandbox s;
        fixture(s);
        s.ok({"profile", "edit", "Experts", "-t", "acme", "--description="});
        CHECK(s.ok({"profile", "show", "Experts", "-t", "acme", "-o", "json"})
                  .json()["description"]
                  .is_null());
        s.ok({"user", "edit", "alice", "-t", "acme", "--name=", "--email=a@y.example"});
        Json alice = s.ok({"user", "show", "alice", "-t", "acme", "-o", "json"}).json();
        CHECK(alice["name"].is_null());
        CHECK(alice["email"] == "a@y.example");
        // The bug this guards against: the description took `--default` as its value.
        s.ok({"profile", "add", "Y", "-t", "acme", "--description=", "--default"});
        Json y = s.ok({"profile", "show", "Y", "-t", "acme", "-o", "json"}).json();
        CHECK(y["default"] == true);
        CHECK(y["description"].is_null());
        // A value that starts with `-` is given after `=`.
        s.ok({"profile", "edit", "Y", "-t", "acme", "--description=-x-"});
        CHECK(s.ok({"profile", "show", "Y", "-t", "acme", "-o", "json"}).json()["description"] ==
              "-x-");
    }

    TEST_CASE("usage errors are chatctl's own words, name the command and its --help") {
        Sandbox s;
        fixture(s);
        struct Case {
            std::vector<std::string> args;
            std::string message, hint;
        };
        for (const auto& c : std::vector<Case>{
                 {{"user", "edit", "alice", "-t", "acme", "--login", "x"},
                  "unknown option --login for `chatctl user edit`",
                  "a login cannot be changed"},
                 {{"user", "edit", "alice", "-t", "acme", "--profile", "Default"},
                  "unknown option --profile for `chatctl user edit`",
                  "`chatctl user assign LOGIN -t TENANT --profile NAME` changes a user's profile"},
                 {{"profile", "add", "P", "-t", "acme", "--max-chat", "4"},
                  "unknown option --max-chat for `chatctl profile add`",
                  "did you mean --max-chats?"},
                 {{"profile", "add", "P", "-t", "acme", "--max-chats", "3", "--max-chats", "4"},
                  "--max-chats is given more than once",
                  "see `chatctl profile add --help`"},
                 {{"user", "edit", "alice", "bob", "-t", "acme", "--name", "x"},
                  "unexpected argument \"bob\" for `chatctl user edit`",
                  "see `chatctl user edit --help`"},
                 {{"profile", "add", "P", "-t", "acme", "--max-chats"},
                  "--max-chats needs a value (N)",
                  "see `chatctl profile add --help`"},
                 {{"profile", "add", "P", "-t", "acme", "--max-chats", "--default"},
                  "--max-chats needs a value (N)",
                  "to give a value that starts with -, write --max-chats=VALUE"},
                 {{"profile", "add", "-t", "acme"},
                  "`chatctl profile add` needs NAME",
                  "see `chatctl profile add --help`"},
                 {{"profile", "add", "P", "-t", "acme", "--default=yes"},
                  "--default takes no value",
                  "see `chatctl profile add --help`"},
                 {{"user", "assign", "alice", "-t", "acme"},
                  "`chatctl user assign` needs --profile NAME",
                  "see `chatctl user assign --help`"},
                 {{"tenant", "lsit"},
                  "unknown command \"lsit\" for `chatctl tenant`",
                  "did you mean `chatctl tenant list`?"}}) {
            CAPTURE(c.message);
            Result r = s.run(c.args);
            CHECK(r.code == 64);
            CHECK(r.err.find("chatctl: error: " + c.message) != std::string::npos);
            CHECK(r.err.find("hint: " + c.hint) != std::string::npos);
            for (const char* cli11 : {"At Most", "not expected", "is required", "Expected",
                                      "The following", "Could not convert", "INT", "TEXT:"})
                CHECK(r.err.find(cli11) == std::string::npos);
        }
        // Several problems are all reported.
        Result both = s.run({"profile", "add", "P", "3", "--bogus", "-t", "acme"});
        CHECK(both.code == 64);
        CHECK(both.err.find("unexpected argument \"3\"") != std::string::npos);
        CHECK(both.err.find("unknown option --bogus") != std::string::npos);
        CHECK(both.err.find("2 usage errors") != std::string::npos);
        CHECK(s.run({"-o", "json", "user", "edit", "alice", "-t", "acme", "--login", "x"})
                  .err_json()["error"]["kind"] == "usage");
    }

    TEST_CASE("a group alone prints its subcommands on stderr and exits 64") {
        Sandbox s;
        for (const char* group : {"tenant", "profile", "user"}) {
            Result r = s.run({group});
            CAPTURE(group);
            CHECK(r.code == 64);
            CHECK(r.out.empty());
            for (const char* sub : {"list", "show", "delete"})
                CHECK(r.err.find(std::string("  ") + sub + " ") != std::string::npos);
            CHECK(r.err.find(std::string("`chatctl ") + group + "` needs a command") !=
                  std::string::npos);
        }
    }

    TEST_CASE("chatctl --help lists every command with the summary its own --help gives") {
        Sandbox s;
        const Result top = s.run({"--help"}, {}, "", true);
        REQUIRE(top.code == 0);
        const Result bare = s.run({}, {}, "", true);
        CHECK(bare.code == 64);
        CHECK(bare.err == top.out); // `chatctl` alone prints the same outline
        for (const char* command :
             {"tenant", "profile", "user", "history", "revert", "apply", "plan", "export",
              "simulate", "store", "config", "completion", "version", "schema", "help"}) {
            const Result own = s.run({command, "--help"}, {}, "", true);
            CAPTURE(command);
            REQUIRE(own.code == 0);
            const std::string summary = own.out.substr(0, own.out.find('\n'));
            CHECK(!summary.empty());
            CHECK(top.out.find("\n  " + std::string(command) + " ") != std::string::npos);
            CHECK(top.out.find(summary) != std::string::npos);
        }
    }

    TEST_CASE("every command's --help shows the global options") {
        Sandbox s;
        for (const auto& [command, base] : commands()) {
            auto args = words(command);
            args.push_back("--help");
            Result r = s.run(args, {}, "", true);
            CAPTURE(command);
            CHECK(r.code == 0);
            CHECK(r.out.find("Global options:") != std::string::npos);
            for (const char* global : {"--db", "--output", "--quiet", "--color", "--no-color",
                                       "--actor", "--lock-timeout"})
                CHECK(r.out.find(global) != std::string::npos);
        }
    }

    TEST_CASE("the tenant and the store come from options or variables, each named as itself") {
        Sandbox s;
        fixture(s);
        Result none = s.run({"profile", "list"});
        CHECK(none.code == 64);
        CHECK(none.err.find("--tenant is required") != std::string::npos);
        CHECK(none.err.find("$CHATCTL_TENANT") != std::string::npos);
        CHECK(none.err.find("see `chatctl profile list --help`") != std::string::npos);
        Result env = s.run({"profile", "list"}, {{"CHATCTL_TENANT", "ACME"}});
        CHECK(env.code == 5);
        CHECK(env.err.find("$CHATCTL_TENANT: \"ACME\"") != std::string::npos);
        CHECK(env.err.find("--tenant") == std::string::npos);
        CHECK(s.run({"profile", "list"}, {{"CHATCTL_TENANT", ""}}).code == 5);
        CHECK(s.run({"profile", "list"}, {{"CHATCTL_TENANT", "acme"}}).code == 0);
        Result flag = s.run({"profile", "list", "-t", "ACME"}, {{"CHATCTL_TENANT", "acme"}});
        CHECK(flag.code == 5);
        CHECK(flag.err.find("--tenant: \"ACME\"") != std::string::npos);

        // --db "" is refused, never a fall-back to the default store.
        Result empty = s.run({"--db", "", "tenant", "create", "x"}, {}, "", true);
        CHECK(empty.code == 5);
        CHECK(empty.err.find("--db is empty") != std::string::npos);
        Result env_db = s.run({"tenant", "create", "x"}, {{"CHATCTL_DB", ""}}, "", true);
        CHECK(env_db.code == 5);
        CHECK(env_db.err.find("$CHATCTL_DB is set but empty") != std::string::npos);
        Result missing =
            s.run({"tenant", "list"}, {{"CHATCTL_DB", s.dir() + "/none.db"}}, "", true);
        CHECK(missing.code == 6);
        CHECK(missing.err.find("comes from $CHATCTL_DB") != std::string::npos);
        CHECK(!std::ifstream(s.dir() + "/home/.local/share/chatctl/chatctl.db"));
    }
}
