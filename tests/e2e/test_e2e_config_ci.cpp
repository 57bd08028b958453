// What CI jobs rely on: errors as GitHub Actions annotations (--error-format github), and
// a PostgreSQL server that does not answer refused within the timeout, never a hang (nor
// a hung shell on TAB).
#include "config_helpers.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

size_t count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

} // namespace

TEST_SUITE("config") {

    TEST_CASE("--error-format github: every located error also as ::error, nothing else changes") {
        Sandbox s;
        const std::string bad = s.write("decl/acme.yaml", "version: 1\ntenants:\n"
                                                          "  - tenant: acme\n"
                                                          "    profiles:\n"
                                                          "      - name: Default\n"
                                                          "        max_concurrent_chats: 99\n"
                                                          "        colour: red\n");
        const std::string empty = s.write("decl/empty.yaml", "");
        const std::string before = s.dump();
        Result text = s.run({"apply", "-f", bad, "-f", empty});
        REQUIRE(text.code == 5);
        CHECK(text.err.find("::") == std::string::npos);
        for (auto [args, env] :
             {std::pair{std::vector<std::string>{"apply", "-f", bad, "-f", empty, "--error-format",
                                                 "github"},
                        std::map<std::string, std::string>{}},
              std::pair{std::vector<std::string>{"apply", "-f", bad, "-f", empty},
                        std::map<std::string, std::string>{{"CHATCTL_ERROR_FORMAT", "github"}}}}) {
            Result r = s.run(args, env);
            INFO(r.err);
            CHECK(r.code == 5);
            CHECK(r.out.empty());
            CHECK(r.err.find("::error file=" + bad + ",line=6,col=31::") != std::string::npos);
            CHECK(r.err.find("::error file=" + bad + ",line=7,col=9::") != std::string::npos);
            CHECK(r.err.find("::error file=" + empty + "::") != std::string::npos);
            CHECK(count(r.err, "::error ") == 3);
            // The text output is the same, the annotations added.
            std::string without;
            std::istringstream lines(r.err);
            for (std::string line; std::getline(lines, line);)
                if (line.rfind("::", 0) != 0) without += line + "\n";
            CHECK(without == text.err);
        }
        // --error-format wins over the variable; a bad value is invalid input.
        CHECK(s.run({"apply", "-f", bad, "--error-format", "text"},
                    {{"CHATCTL_ERROR_FORMAT", "github"}})
                  .err.find("::error") == std::string::npos);
        CHECK(s.run({"tenant", "list", "--error-format", "gitlab"}).code == 5);
        CHECK(s.run({"tenant", "list"}, {{"CHATCTL_ERROR_FORMAT", "gitlab"}}).code == 5);
        // With -o json, stderr stays one JSON object.
        Result json = s.run({"apply", "-f", bad, "-o", "json", "--error-format", "github"});
        CHECK(json.code == 5);
        CHECK(json.err_json()["error"]["diagnostics"].size() == 2);
        CHECK(s.dump() == before);
    }

    TEST_CASE("github annotations escape what the workflow command format gives a meaning to") {
        Sandbox s;
        const std::string bad = s.write("a,b:c%.yaml", "version: 2\ntenants: []\n");
        Result r = s.run({"plan", "-f", bad, "--error-format", "github"});
        CHECK(r.code == 5);
        const std::string folder = s.dir();
        CHECK(r.err.find("::error file=" + folder + "/a%2Cb%3Ac%25.yaml,line=1,col=10::") !=
              std::string::npos);
        Result in = s.run({"plan", "-f", "-", "--error-format", "github"}, {}, "version: 2\n");
        CHECK(in.err.find("::error::-:1:10: ") != std::string::npos);
    }

    TEST_CASE("config file errors and warnings are annotated too [file]") {
        Sandbox s;
        Config c(s);
        c.write("contexts:\n  dev: {tenat: acme}\n");
        Result r = c.run({"tenant", "list", "--error-format", "github"});
        CHECK(r.code == 5);
        CHECK(r.err.find("::error file=" + c.path() + ",line=2,col=9::unknown key \"tenat\"") !=
              std::string::npos);
        c.write("current-context: prod\ncontexts:\n"
                "  prod: {db: \"postgresql://u:Zq9secretpw@127.0.0.1:1/contact\"}\n");
        ::chmod(c.path().c_str(), 0644);
        Result w = c.run({"tenant", "list"}, {{"CHATCTL_ERROR_FORMAT", "github"}});
        CHECK(w.err.find("::warning file=" + c.path() + ",line=3,col=14::the db of context") !=
              std::string::npos);
        CHECK(w.err.find("Zq9secretpw") == std::string::npos);
    }

    TEST_CASE("a server that never answers: cannot reach the server, within the timeout [file]") {
        Sandbox s;
        SilentServer server;
        auto refused_within = [&](const std::vector<std::string>& args,
                                  const std::map<std::string, std::string>& env, double low,
                                  double high) {
            const auto start = std::chrono::steady_clock::now();
            Result r = s.run(args, env, "", true);
            const double took = seconds_since(start);
            INFO(r.err << "took " << took << " s");
            CHECK(r.code == 6);
            CHECK(r.err.find("cannot reach the server") != std::string::npos);
            CHECK(r.err.find("Zq9secretpw") == std::string::npos);
            CHECK(took >= low);
            CHECK(took < high);
            return r;
        };
        // The URI's connect_timeout, else $PGCONNECT_TIMEOUT, else 10 s. libpq counts the
        // timeout in whole seconds of the clock (time() + N), so N seconds last from N - 1 to N.
        Result uri = refused_within({"--db", server.uri("?connect_timeout=2"), "tenant", "list"},
                                    {{"PGCONNECT_TIMEOUT", "30"}}, 0.9, 5);
        CHECK(uri.err.find("waits 2 s") != std::string::npos);
        refused_within({"--db", server.uri(), "tenant", "create", "acme"},
                       {{"PGCONNECT_TIMEOUT", "3"}}, 1.9, 6);
        Result fallback = refused_within({"--db", server.uri(), "tenant", "list"}, {}, 8.9, 14);
        CHECK(fallback.err.find("waits 10 s") != std::string::npos);
        // A context's store too.
        Config c(s);
        c.write("contexts:\n  hung: {db: \"" + server.uri("?connect_timeout=2") + "\"}\n");
        Result ctx = refused_within({"--context", "hung", "tenant", "list"}, {}, 0.9, 5);
        CHECK(ctx.err.find("db of context \"hung\"") != std::string::npos);
    }

    TEST_CASE("completion gives up on a server that never answers within 2 s [file]") {
        Sandbox s;
        SilentServer server;
        Config c(s);
        c.write("current-context: hung\ncontexts:\n  hung: {db: \"" +
                server.uri("?connect_timeout=60") + "\"}\n");
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"__complete", "--db", server.uri("?connect_timeout=60"), "tenant", "show", ""},
                 {"__complete", "profile", "list", "-t", ""},
                 {"__complete", "--context", "hung", "user", "show", "-t", "acme", "a"}}) {
            const auto start = std::chrono::steady_clock::now();
            Result r = s.run(args, {{"PGCONNECT_TIMEOUT", "60"}}, "", true);
            const double took = seconds_since(start);
            INFO(args[1] << " took " << took << " s: " << r.err);
            CHECK(r.code == 0);
            CHECK(r.out.empty());
            CHECK(took < 4);
        }
    }
}
