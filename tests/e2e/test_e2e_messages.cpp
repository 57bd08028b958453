// What an outside attack found in how input is read back to the user: a byte order mark
// before YAML, line separators that moved every line number, a 10 MiB value echoed whole,
// and a CSV line of millions of fields held in memory.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

const bool kMeasureMemory = !sanitized(); // ASan's allocator measures itself

bool has(const Result& r, const std::string& text) {
    return r.err.find(text) != std::string::npos;
}

} // namespace

TEST_SUITE("defects") {

    TEST_CASE("a declaration starting with a byte order mark is read as without it") {
        Sandbox s;
        const std::string yaml = "tenants:\n  - tenant: acme\n    display_name: Ac\n";
        Result r = s.run({"apply", "-f", s.write("bom.yaml", "\xEF\xBB\xBF" + yaml)});
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["display_name"] == "Ac");
        // Places after it are the file's own: the mark is in no column.
        Result bad = s.run({"plan", "-f", s.write("b.yaml", "\xEF\xBB\xBFtenants: 3\n")});
        CHECK(bad.code == 5);
        CHECK(has(bad, "b.yaml:1:10: error: tenants: expected a list"));
        // From standard input too.
        CHECK(s.run({"plan", "-f", "-"}, {}, "\xEF\xBB\xBF" + yaml).code == 0);
    }

    TEST_CASE("a raw line or paragraph separator is refused at its place in the file's lines") {
        Sandbox s;
        for (const std::string sep : {"\xE2\x80\xA8", "\xE2\x80\xA9"}) {
            // Four lines; the separator on the fourth, in a quoted value.
            Result r = s.run({"apply", "-f",
                              s.write("sep.yaml", "tenants:\n  - tenant: acme\n    profiles: []\n"
                                                  "    display_name: \"A" +
                                                      sep + "B\"\n")});
            CHECK(r.code == 5);
            CHECK(has(r, "sep.yaml:4:21: error: the character U+202"));
            CHECK(has(r, "only as an escape in double quotes"));
            CHECK(!fs::exists(s.db()));
        }
        // Written as an escape, it is a value like any other, and export writes it so.
        s.ok(
            {"apply", "-f",
             s.write("esc.yaml", "tenants:\n  - tenant: acme\n    display_name: \"A\\u2028B\"\n")});
        CHECK(s.ok({"tenant", "show", "acme", "-o", "json"}).json()["display_name"] ==
              "A\xE2\x80\xA8"
              "B");
        CHECK(s.ok({"export"}).out.find("A\\u2028B") != std::string::npos);
    }

    TEST_CASE("a message quotes at most some hundred characters of any input") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "-q"});
        const std::string big(10 << 20, 'x');
        const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
            {"a tag", {"plan", "-f", s.write("t.yaml", "tenants: !" + big + " []\n")}},
            {"a key", {"plan", "-f", s.write("k.yaml", "tenants: []\n" + big + ": 1\n")}},
            {"a tenant key",
             {"plan", "-f", s.write("v.yaml", "tenants:\n  - tenant: \"" + big + "\"\n")}},
            {"a login", {"user", "add", big.substr(0, 100000), "-t", "acme"}},
            {"a tenant", {"tenant", "show", big.substr(0, 100000)}},
            {"a CSV header",
             {"user", "import", "-t", "acme", s.write("h.csv", "login," + big.substr(0, 8000))}},
            {"a CSV tenant",
             {"user", "import", s.write("c.csv", "tenant,login\n" + big.substr(0, 8000) + ",x\n")}},
        };
        for (const auto& [what, args] : cases) {
            CAPTURE(what);
            std::string before = s.dump();
            Result r = s.run(args);
            CHECK(r.code != 0);
            CHECK(r.err.size() < 2000);
            CHECK(r.err.find(std::string(120, 'x')) == std::string::npos);
            CHECK(s.dump() == before);
        }
    }

    TEST_CASE("a CSV line of millions of fields is refused at once, in little memory") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "-q"});
        std::string before = s.dump();
        for (const std::string& text :
             {"login\n" + std::string(30 << 20, ','), "login\nx" + std::string(65, ',') + "\n",
              "login,name\nx,\"" + std::string(20 << 10, 'a') + "\"\n"}) {
            Result r = s.run({"user", "import", "-t", "acme", s.write("wide.csv", text)});
            CHECK(r.code == 5);
            CHECK((has(r, "wide.csv:2:1: error: a row of more than 64 fields") ||
                   has(r, "wide.csv:2:1: error: a row longer than 16 KiB")));
            if (kMeasureMemory) CHECK(r.max_rss_kb < 48 * 1024);
            CHECK(s.dump() == before);
        }
        // 64 fields is a row like any other (here: 63 of them ignored columns).
        std::string header = "login", row = "x";
        std::vector<std::string> ignored;
        for (int i = 1; i < 64; ++i) {
            header += ",c" + std::to_string(i);
            row += ",";
            ignored.push_back("c" + std::to_string(i));
        }
        std::vector<std::string> args = {"user", "import", "-t", "acme", "-q"};
        for (const auto& c : ignored)
            args.insert(args.end(), {"--ignore-columns", c});
        args.push_back(s.write("ok.csv", header + "\n" + row + "\n"));
        Result ok = s.run(args);
        INFO(ok.err);
        CHECK(ok.code == 0);
        CHECK(s.ok({"user", "list", "-t", "acme", "-o", "json"}).json().size() == 1);
    }
}
