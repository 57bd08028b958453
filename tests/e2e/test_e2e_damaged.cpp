// The damaged-store corpus (tests/fixtures/damaged/*.sql): each file damages a good store
// with raw SQL, as a broken disk, a careless script or a hostile user would. A file
// marked `-- sql: refused` is an attack the store's own guards must refuse, leaving the
// store as it was; the others must be accepted by SQLite, and then every `-- run:`
// command must exit with its code (a store error names the damage, never exit 1) and
// leave the store's bytes as they were.
#include "harness.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

struct Case {
    std::string name, sql;
    bool refused = false;
    std::vector<std::pair<std::vector<std::string>, int>> runs;
};

Case read_case(const fs::path& path) {
    Case c;
    c.name = path.filename().string();
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    c.sql = text.str();
    std::istringstream lines(c.sql);
    for (std::string line; std::getline(lines, line);) {
        if (line == "-- sql: refused") c.refused = true;
        if (line.rfind("-- run: ", 0) != 0) continue;
        auto arrow = line.find(" => ");
        std::istringstream words(line.substr(8, arrow - 8));
        std::vector<std::string> args;
        for (std::string w; words >> w;)
            args.push_back(w);
        c.runs.push_back({args, std::stoi(line.substr(arrow + 4))});
    }
    return c;
}

void good_store(const Sandbox& s) {
    s.ok({"tenant", "create", "acme"});
    s.ok({"profile", "add", "Experts", "-t", "acme", "--description", "Level 2"});
    s.ok({"user", "add", "alice", "-t", "acme", "--profile", "Experts"});
    s.ok({"user", "edit", "alice", "-t", "acme", "--name", "Alice"});
}

} // namespace

TEST_SUITE("damaged") {

    TEST_CASE("every damaged store of the corpus: guarded, or a store error naming it") {
        std::vector<Case> cases;
        for (const auto& entry :
             fs::directory_iterator(CHATCTL_SOURCE_DIR "/tests/fixtures/damaged"))
            if (entry.path().extension() == ".sql") cases.push_back(read_case(entry.path()));
        REQUIRE(cases.size() >= 15);
        for (const auto& c : cases) {
            CAPTURE(c.name);
            Sandbox s;
            good_store(s);
            std::string before = s.dump();
            std::string error = s.sql(c.sql);
            if (c.refused) {
                CHECK(!error.empty());
                CHECK(s.dump() == before);
                CHECK(s.run({"export"}).code == 0);
                CHECK(s.run({"user", "add", "bob", "-t", "acme"}).code == 0);
                continue;
            }
            REQUIRE_MESSAGE(error.empty(), error);
            REQUIRE(!c.runs.empty());
            for (const auto& [args, code] : c.runs) {
                std::string bytes = s.bytes();
                Result r = s.run(args);
                CAPTURE(args[0] + " " + (args.size() > 1 ? args[1] : ""));
                INFO("stderr: " << r.err);
                CHECK(r.code == code);
                const bool json_asked = std::find(args.begin(), args.end(), "-o") != args.end();
                if (code == 6)
                    CHECK(r.err.find(json_asked ? "\"kind\":\"store\"" : "chatctl: error: ") !=
                          std::string::npos);
                CHECK(s.bytes() == bytes);
                if (json_asked) continue;
                auto as_json = args;
                as_json.insert(as_json.end(), {"-o", "json"});
                Result json = s.run(as_json);
                CHECK(json.code == code);
                if (code != 0) CHECK(json.err_json()["error"]["exit_code"] == code);
            }
        }
    }
}
