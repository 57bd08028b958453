// The command line itself: help, version, usage errors, global options anywhere, output
// formats, -q, and the error forms.
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

TEST_SUITE("cli") {

    TEST_CASE("chatctl alone prints the help on stderr and exits 64; --help on stdout, 0") {
        Sandbox s;
        Result bare = run_binary({chatctl_bin()}, {"HOME=" + s.dir()}, "");
        CHECK(bare.code == 64);
        CHECK(bare.out.empty());
        CHECK(bare.err.find("tenant") != std::string::npos);
        Result help = run_binary({chatctl_bin(), "--help"}, {"HOME=" + s.dir()}, "");
        CHECK(help.code == 0);
        CHECK(help.out.find("profile") != std::string::npos);
        CHECK(help.err.empty());
        Result sub = s.run({"profile", "add", "--help"});
        CHECK(sub.code == 0);
        CHECK(sub.out.find("--max-chats") != std::string::npos);
    }

    TEST_CASE("every command's --help has its purpose, its options and examples") {
        Sandbox s;
        for (auto args : std::vector<std::vector<std::string>>{{"tenant", "create"},
                                                               {"profile", "add"},
                                                               {"profile", "delete"},
                                                               {"user", "assign"},
                                                               {"history"},
                                                               {"apply"},
                                                               {"plan"},
                                                               {"export"}}) {
            args.push_back("--help");
            Result r = s.run(args);
            CAPTURE(args[0]);
            CHECK(r.code == 0);
            CHECK(r.out.find("Examples:\n  chatctl " + args[0]) != std::string::npos);
            CHECK(r.out.find("Options:") != std::string::npos);
        }
        CHECK(s.run({"profile", "add", "--help"}).out.find("(default 3)") != std::string::npos);
        CHECK(s.run({"history", "--help"}).out.find("50") != std::string::npos);
    }

    TEST_CASE("an unknown command suggests the nearest one") {
        Sandbox s;
        Result r = s.run({"profil", "list"});
        CHECK(r.code == 64);
        CHECK(r.err.find("unknown command \"profil\"") != std::string::npos);
        CHECK(r.err.find("did you mean `chatctl profile`?") != std::string::npos);
        Result sub = s.run({"-o", "json", "tenant", "lsit"});
        CHECK(sub.code == 64);
        CHECK(sub.err_json()["error"]["hints"][0] == "did you mean `chatctl tenant list`?");
        CHECK(s.run({"zzzzzz"}).err.find("did you mean") == std::string::npos);
    }

    TEST_CASE("--version") {
        Result r = run_binary({chatctl_bin(), "--version"}, {}, "");
        CHECK(r.code == 0);
        CHECK(r.out.rfind("chatctl ", 0) == 0);
        CHECK(r.out.back() == '\n');
        // --version alone takes a shorter way than with other words: the same answer.
        Result with_flag = run_binary({chatctl_bin(), "--no-color", "--version"}, {}, "");
        CHECK(with_flag.code == 0);
        CHECK(with_flag.out == r.out);
        CHECK(with_flag.err == r.err);
    }

    TEST_CASE("unknown commands and options, missing arguments and values are usage errors") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        for (auto args : std::vector<std::vector<std::string>>{
                 {"frobnicate"},
                 {"tenant"},
                 {"tenant", "list", "--bogus"},
                 {"tenant", "create"},
                 {"profile", "add", "P", "-t", "acme", "--max-chats"}}) {
            CAPTURE(args.front());
            expect_refused(s, args, 64);
        }
        // An output format that does not exist is a malformed value, like --max-chats x.
        expect_refused(s, {"tenant", "list", "-o", "xml"}, 5, "--output: \"xml\" is not one of");
    }

    TEST_CASE("global options are accepted before or after the subcommand") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        Result before = s.run({"-o", "json", "--no-color", "tenant", "list"});
        Result after = s.run({"tenant", "list", "-o", "json", "--no-color"});
        REQUIRE(before.code == 0);
        REQUIRE(after.code == 0);
        CHECK(before.json() == after.json());
        Result q = s.run({"-q", "profile", "add", "P", "-t", "acme"});
        CHECK(q.code == 0);
        CHECK(q.out.empty());
    }

    TEST_CASE("-q prints nothing on a successful write, data on a read") {
        Sandbox s;
        Result w = s.run({"tenant", "create", "acme", "-q"});
        CHECK(w.code == 0);
        CHECK(w.out.empty());
        CHECK(w.err.empty());
        Result r = s.run({"tenant", "list", "-q", "-o", "json"});
        CHECK(r.json().size() == 1);
    }

    TEST_CASE("a write prints what it changed, as a plan in JSON") {
        Sandbox s;
        Result r = s.ok({"tenant", "create", "acme", "-o", "json"});
        Json plan = r.json();
        CHECK(plan["format_version"] == "1");
        CHECK(plan["summary"] == Json::parse(R"({"create":2,"update":0,"delete":0})"));
        CHECK(plan["changes"][1]["after"]["name"] == "Default");
        Result text = s.ok({"profile", "edit", "Default", "-t", "acme", "--wrap-up", "90"});
        CHECK(text.out == "~ profile acme/Default  wrap_up_seconds: 60 -> 90\n");
    }

    TEST_CASE("errors: text form, and one JSON object on stderr with -o json") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        Result text = s.run({"profile", "show", "Nope", "-t", "acme"});
        CHECK(text.code == 3);
        CHECK(text.err.rfind("chatctl: error: profile \"Nope\" not found", 0) == 0);
        CHECK(text.err.find("\nhint: ") != std::string::npos);
        Result json = s.run({"profile", "show", "Nope", "-t", "acme", "-o", "json"});
        CHECK(json.code == 3);
        CHECK(json.out.empty());
        Json e = json.err_json()["error"];
        CHECK(e["kind"] == "not_found");
        CHECK(e["exit_code"] == 3);
        CHECK(e["diagnostics"] == Json::array());
        CHECK(e["message"].get<std::string>().find("Nope") != std::string::npos);
        Json usage = s.run({"tenant", "list", "--bogus", "-o", "json"}).err_json()["error"];
        CHECK(usage["kind"] == "usage");
        CHECK(usage["exit_code"] == 64);
        CHECK(s.run({"profile", "add", "P", "-t", "acme", "--max-chats", "0", "-o", "json"})
                  .err_json()["error"]["kind"] == "invalid_input");
    }

    TEST_CASE("yaml output has the structure of json") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "--display-name", "true"});
        Result r = s.ok({"tenant", "show", "acme", "-o", "yaml"});
        CHECK(r.out.find("tenant: acme\n") != std::string::npos);
        CHECK(r.out.find("display_name: \"true\"\n") != std::string::npos); // stays a string
        CHECK(r.out.find("profiles: 1\n") != std::string::npos);
        Result empty = s.ok({"user", "list", "-t", "acme", "-o", "yaml"});
        CHECK(empty.out == "[]\n");
    }

    TEST_CASE("tables are aligned and carry no escape codes when piped") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "add", "日本語", "-t", "acme"});
        Result r = s.ok({"profile", "list", "-t", "acme"});
        CHECK(r.out.find('\033') == std::string::npos);
        CHECK(r.out.rfind("NAME     DEFAULT", 0) == 0); // 日本語 is 6 columns wide
        CHECK(r.out.find("\n日本語   false") != std::string::npos);
        CHECK(r.out.find("\nDefault  true") != std::string::npos);
    }

    TEST_CASE("a choice is taken in any case: -o JSON, --kind User, --delimiter TAB, Fixed") {
        Sandbox s;
        s.ok({"-q", "tenant", "create", "acme"});
        s.ok({"-q", "user", "add", "ann", "-t", "acme"});
        // Each spelling prints what the lower-case one prints.
        for (const auto& [given, lower] :
             {std::pair{std::vector<std::string>{"-o", "JSON", "user", "list", "-t", "acme"},
                        std::vector<std::string>{"-o", "json", "user", "list", "-t", "acme"}},
              std::pair{std::vector<std::string>{"--output=Yaml", "tenant", "list"},
                        std::vector<std::string>{"--output=yaml", "tenant", "list"}},
              std::pair{std::vector<std::string>{"-oCSV", "tenant", "list"},
                        std::vector<std::string>{"-ocsv", "tenant", "list"}},
              std::pair{std::vector<std::string>{"history", "--kind", "User", "-o", "json"},
                        std::vector<std::string>{"history", "--kind", "user", "-o", "json"}}}) {
            CAPTURE(given[0]);
            Result r = s.run(given);
            CHECK(r.code == 0);
            CHECK(r.out == s.ok(lower).out);
            CHECK(r.out != s.ok({"tenant", "list"}).out); // not the table
        }
        // JSON errors, for -o JSON too.
        CHECK(s.run({"-o", "JSON", "user", "show", "nobody", "-t", "acme"})
                  .err_json()
                  .contains("error"));
        // The separator's name, and simulate's talk shape.
        Result tsv = s.run({"user", "import", "-t", "acme", "--delimiter", "TAB",
                            s.write("in.tsv", "login\tname\nbob\tBob\n")});
        CHECK(tsv.code == 0);
        CHECK(s.ok({"user", "show", "bob", "-t", "acme", "-o", "json"}).json()["name"] == "Bob");
        const std::vector<std::string> sim{"simulate", "-t", "acme", "--arrivals", "10/h",
                                           "--talk",   "3m", "-o",   "json",       "--talk-dist"};
        auto with = [&](const std::string& shape) {
            std::vector<std::string> args = sim;
            args.push_back(shape);
            return s.run(args);
        };
        Result fixed = with("Fixed");
        CHECK(fixed.code == 0);
        CHECK(fixed.out == with("fixed").out);
        CHECK(with("Gamma").code == 5); // still refused when it is no choice at all
        // The config file's output format.
        s.ok({"-q", "config", "set-context", "ci", "--output", "JSON"});
        CHECK(s.run({"--context", "ci", "tenant", "list"}).out ==
              s.ok({"-o", "json", "tenant", "list"}).out);
    }
} // TEST_SUITE
