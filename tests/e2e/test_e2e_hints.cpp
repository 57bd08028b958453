// Hints can be acted on: every command a hint shows is run through bash, as a user would
// paste it, with names that need quoting; every unknown name is reported at once, with
// the nearest existing name.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <regex>

using namespace e2e;

namespace {

// Names a shell would split, expand or choke on, were they not quoted.
const std::string kQuoted = "O'Brien's \"team\" $HOME \\ `x`";
const std::string kAccents = "Équipe de nuit";

std::string single_quoted(const std::string& word) {
    std::string out = "'";
    for (char c : word)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The command between backticks on the hint line that contains `part`.
std::string hint_command(const Result& r, const std::string& part) {
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("hint: ", 0) != 0 || line.find(part) == std::string::npos) continue;
        auto open = line.find('`'), close = line.rfind('`');
        if (open != std::string::npos && close > open)
            return line.substr(open + 1, close - open - 1);
    }
    FAIL("no hint with a command containing " << part << " in:\n" << r.err);
    return "";
}

// Runs a hint's command as pasted into bash (placeholders, whole upper-case words, filled
// with quoted values), with `chatctl` on PATH and the sandbox's store.
Result paste(const Sandbox& s, std::string command,
             const std::map<std::string, std::string>& fill = {}) {
    for (const auto& [placeholder, value] : fill)
        command = std::regex_replace(command, std::regex("\\b" + placeholder + "\\b"),
                                     single_quoted(value));
    std::string bin = s.dir() + "/bin";
    std::filesystem::create_directories(bin);
    if (!std::filesystem::exists(bin + "/chatctl"))
        std::filesystem::create_symlink(chatctl_bin(), bin + "/chatctl");
    INFO("pasted: " << command);
    Result r = run_binary({"/bin/bash", "-c", command},
                          {"PATH=" + bin + ":/usr/bin:/bin", "CHATCTL_DB=" + s.db(),
                           "HOME=" + s.dir(), "CHATCTL_ACTOR=tester", "LANG=C.UTF-8"},
                          "");
    INFO("stderr: " << r.err);
    CHECK(r.code == 0);
    return r;
}

Json profiles(const Sandbox& s) {
    return s.ok({"profile", "list", "-t", "acme", "-o", "json"}).json();
}

bool has_profile(const Sandbox& s, const std::string& name) {
    for (const auto& p : profiles(s))
        if (p["name"] == name) return true;
    return false;
}

} // namespace

TEST_SUITE("hints") {

    TEST_CASE("a hint's command, pasted into bash, does what the hint says, whatever the name") {
        for (const std::string& name : {kQuoted, kAccents, std::string("Night shift")}) {
            CAPTURE(name);
            Sandbox s;
            s.ok({"tenant", "create", "acme"});
            s.ok({"profile", "add", name, "-t", "acme", "--default"});
            s.ok({"user", "add", "alice", "-t", "acme"});

            // R3: the default cannot be deleted; the hint makes another one the default.
            Result r3 = s.run({"profile", "delete", name, "-t", "acme"});
            CHECK(r3.code == 4);
            paste(s, hint_command(r3, "set-default"), {{"OTHER", "Default"}});
            for (const auto& p : profiles(s))
                CHECK(p["default"] == (p["name"] == "Default"));

            // R7: users left on it; the hint moves them and deletes it in one step.
            Result r7 = s.run({"profile", "delete", name, "-t", "acme"});
            CHECK(r7.code == 4);
            std::string reassign = hint_command(r7, "--reassign-to");
            CHECK(reassign.find(single_quoted(name)) != std::string::npos); // quoted, never bare
            paste(s, reassign, {{"PROFILE", "Default"}});
            CHECK(!has_profile(s, name));
            CHECK(s.ok({"user", "show", "alice", "-t", "acme", "-o", "json"}).json()["profile"] ==
                  "Default");

            // A misspelled name: the suggestion, pasted, names the profile.
            s.ok({"profile", "add", name, "-t", "acme"});
            std::string typo = name.substr(0, name.size() - 1);
            Result missing = s.run({"profile", "show", typo, "-t", "acme"});
            CHECK(missing.code == 3);
            auto at = missing.err.find("hint: did you mean ");
            REQUIRE(at != std::string::npos);
            std::string suggestion = missing.err.substr(at + 19);
            suggestion = suggestion.substr(0, suggestion.find("?\n"));
            Result shown = paste(s, "chatctl profile show " + suggestion + " -t acme -o json");
            CHECK(shown.json()["name"] == name);
            paste(s, hint_command(missing, "profile list"));
        }
    }

    TEST_CASE("the other hints that show a command run as shown") {
        Sandbox s;
        Result no_store = s.run({"tenant", "list"});
        CHECK(no_store.code == 6);
        paste(s, hint_command(no_store, "tenant create"), {{"TENANT", "acme"}});
        s.ok({"user", "add", "alice", "-t", "acme"});

        Result users = s.run({"tenant", "delete", "acme"});
        CHECK(users.code == 4);
        Result unknown_tenant = s.run({"profile", "list", "-t", "acme-corp"});
        CHECK(unknown_tenant.code == 3);
        paste(s, hint_command(unknown_tenant, "tenant list"));
        Result unknown_user = s.run({"user", "show", "alise", "-t", "acme"});
        CHECK(unknown_user.code == 3);
        paste(s, hint_command(unknown_user, "user list"));
        Result usage = s.run({"user", "edit", "alice", "-t", "acme", "--profile", "Default"});
        CHECK(usage.code == 64);
        paste(s, hint_command(usage, "--help"));
        paste(s, hint_command(usage, "user assign"),
              {{"LOGIN", "alice"}, {"TENANT", "acme"}, {"NAME", "Default"}});
        Result typo = s.run({"tenant", "lsit"});
        paste(s, hint_command(typo, "did you mean"));

        paste(s, hint_command(users, "--force"));
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json().empty());
    }

    TEST_CASE("every unknown login is reported at once, each with the nearest existing one") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        for (const char* login : {"alice", "bob", "carol"})
            s.ok({"user", "add", login, "-t", "acme"});
        for (const char* verb : {"assign", "delete"}) {
            std::vector<std::string> args{"user", verb,     "alice", "alise",
                                          "bobb", "zzzzzz", "-t",    "acme"};
            if (std::string(verb) == "assign") args.insert(args.end(), {"--profile", "Default"});
            CAPTURE(verb);
            expect_refused(s, args, 3, "users \"alise\", \"bobb\", \"zzzzzz\" not found");
            Result r = s.run(args);
            CHECK(r.err.find("\"alise\": did you mean alice?") != std::string::npos);
            CHECK(r.err.find("\"bobb\": did you mean bob?") != std::string::npos);
            CHECK(r.err.find("\"zzzzzz\": did you mean") == std::string::npos);
        }
    }

    TEST_CASE("a mistyped name gets a did-you-mean wherever a name is looked up") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "add", "Experts", "-t", "acme"});
        s.ok({"user", "add", "alice", "-t", "acme"});
        struct Case {
            std::vector<std::string> args;
            std::string suggestion;
        };
        for (const auto& c : std::vector<Case>{
                 {{"user", "add", "bob", "-t", "acme", "--profile", "Exprts"}, "Experts"},
                 {{"user", "list", "-t", "acme", "--profile", "Exprts"}, "Experts"},
                 {{"user", "assign", "alice", "-t", "acme", "--profile", "Exprts"}, "Experts"},
                 {{"profile", "delete", "Default", "-t", "acme", "--reassign-to", "Exprts"},
                  "Experts"},
                 {{"profile", "show", "Exprts", "-t", "acme"}, "Experts"},
                 {{"profile", "set-default", "Exprts", "-t", "acme"}, "Experts"},
                 {{"user", "show", "alcie", "-t", "acme"}, "alice"},
                 {{"user", "edit", "alcie", "-t", "acme", "--name", "A"}, "alice"},
                 {{"profile", "list", "-t", "acm"}, "acme"},
                 {{"tenant", "show", "acm"}, "acme"},
                 {{"export", "-t", "acm"}, "acme"}}) {
            CAPTURE(c.args[0] + " " + c.args[1]);
            expect_refused(s, c.args, 3, "did you mean " + c.suggestion);
        }
        std::ofstream(s.dir() + "/d.yaml") << "tenants:\n  - tenant: acme\n    users:\n"
                                              "      - login: bob\n        profile: Exprts\n";
        Result r = s.run({"plan", "-f", s.dir() + "/d.yaml"});
        CHECK(r.code == 5);
        CHECK(r.err.find("d.yaml:5:18: error: profile \"Exprts\" exists nowhere in tenant acme; "
                         "did you mean \"Experts\"?") != std::string::npos);
    }

    TEST_CASE("a declaration's hints: a file without -f, a key cut short, the profiles there are") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"profile", "add", "Seniors", "-t", "acme"});
        const std::string file = s.write("my tenants.yaml", "tenants: []\n");
        for (const char* command : {"apply", "plan"}) {
            Result r = s.run({command, file});
            CHECK(r.code == 64);
            CHECK(r.err.find("hint: did you mean `chatctl " + std::string(command) + " -f '" +
                             file + "'`?") != std::string::npos);
        }
        // Elsewhere, an argument too many is still most likely a value with spaces.
        Result spaces = s.run({"profile", "add", "Night", "shift", "-t", "acme"});
        CHECK(spaces.err.find("'Night shift'") != std::string::npos);
        const std::string d = s.write("d.yaml", "tenants:\n  - tenant: acme\n    profiles:\n"
                                                "      - name: Default\n        wrap_up: 30\n"
                                                "        max_chats: 4\n");
        Result keys = s.run({"plan", "-f", d});
        CHECK(keys.code == 5);
        CHECK(keys.err.find(":5:9: error: unknown key \"wrap_up\"; did you mean "
                            "\"wrap_up_seconds\"?") != std::string::npos);
        CHECK(keys.err.find(":6:9: error: unknown key \"max_chats\"; did you mean "
                            "\"max_concurrent_chats\"?") != std::string::npos);
        // A profile like none: the tenant's profiles, declared in the file and in the store.
        const std::string u = s.write("u.yaml", "tenants:\n  - tenant: acme\n    profiles:\n"
                                                "      - name: Default\n      - name: Juniors\n"
                                                "    users:\n      - login: bob\n"
                                                "        profile: Zzz\n");
        Result none = s.run({"plan", "-f", u});
        CHECK(none.code == 5);
        CHECK(none.err.find("profile \"Zzz\" exists nowhere in tenant acme (its profiles: "
                            "\"Default\", \"Juniors\", \"Seniors\")") != std::string::npos);
    }
}
