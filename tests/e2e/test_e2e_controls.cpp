// Terminal safety: whatever a store holds (an older one, a damaged one), chatctl never
// sends a raw control character to people. Every text column of a store holds every
// class of control (set by raw SQL past this copy's own guards, which refuse them); every
// read command, in every format, then writes no raw control in tables, plan lines, YAML
// or messages, valid JSON that gives the values back, and CSV that parses to them.
#include "harness.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

using namespace e2e;

namespace {

// BEL, TAB, LF, CR, ESC (a colour, an OSC title), DEL, and C1: NEL and CSI. (NUL is
// refused by every version of both stores.)
const std::string kControls = "a\x07"
                              "b\tc\nd\re\x1b[31mf\x1b]0;t\x07g\x7fh\xc2\x85i\xc2\x9bj";

// kControls as an SQL expression of character codes, so that no statement holds one raw.
std::string controls_sql() {
    const char* chr = on_postgres() ? "chr(" : "char(";
    std::string sql;
    for (size_t i = 0; i < kControls.size(); ++i) {
        auto c = static_cast<unsigned char>(kControls[i]);
        if (c == 0xc2) c = static_cast<unsigned char>(kControls[++i]);
        sql += (sql.empty() ? "" : " || ") + std::string(chr) + std::to_string(c) + ")";
    }
    return sql;
}

void as_owner(const Sandbox& s, const std::string& sql) {
    if (on_postgres())
        s.query(sql);
    else
        REQUIRE(s.sql(sql) == "");
}

// The first raw control in text (C0 but a line end, DEL, C1), described, or "".
std::string raw_control(const std::string& text) {
    for (size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
        if ((c < 0x20 && c != '\n') || c == 0x7f || (c == 0xc2 && next >= 0x80 && next <= 0x9f))
            return "control " + std::to_string(c == 0xc2 ? next : c) + " at byte " +
                   std::to_string(i) + " of: " + text.substr(0, 2000);
    }
    return "";
}

bool json_holds(const Json& value, const std::string& text) {
    if (value.is_string()) return value.get<std::string>().find(text) != std::string::npos;
    if (!value.is_structured()) return false;
    for (const auto& item : value)
        if (json_holds(item, text)) return true;
    return false;
}

bool yaml_holds(const YAML::Node& node, const std::string& text) {
    if (node.IsScalar()) return node.Scalar().find(text) != std::string::npos;
    for (auto it = node.begin(); it != node.end(); ++it)
        if (yaml_holds(node.IsMap() ? it->second : *it, text)) return true;
    return false;
}

// RFC 4180 records; a quote out of place fails the test.
std::vector<std::vector<std::string>> csv_records(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        std::string& cell = rows.back().back();
        if (quoted) {
            if (c != '"')
                cell += c;
            else if (i + 1 < text.size() && text[i + 1] == '"')
                cell += text[++i];
            else
                quoted = false;
        } else if (c == '"') {
            REQUIRE(cell.empty());
            quoted = true;
        } else if (c == ',') {
            rows.back().emplace_back();
        } else if (c == '\n') {
            rows.emplace_back(1);
        } else {
            cell += c;
        }
    }
    REQUIRE(!quoted);
    REQUIRE(rows.back() == std::vector<std::string>(1));
    rows.pop_back();
    return rows;
}

// A store whose every text column holds kControls.
void fill(const Sandbox& s) {
    s.ok({"tenant", "create", "acme", "--display-name", "Plain"});
    s.ok({"profile", "add", "Experts", "-t", "acme", "--description", "D"});
    s.ok({"user", "add", "bob", "-t", "acme", "--profile", "Experts", "--name", "B", "--email",
          "b@x"});
    s.ok({"user", "add", "carl", "-t", "acme"});
    const std::string v = controls_sql();
    if (on_postgres())
        for (const char* table : {"tenants", "profiles", "users", "history"})
            as_owner(s, std::string("ALTER TABLE ") + table + " DROP CONSTRAINT " + table +
                            "_no_controls");
    else
        for (const char* table : {"tenants", "profiles", "users", "history"})
            as_owner(s, std::string("DROP TRIGGER ") + table + "_no_controls_update");
    const std::string set_after =
        on_postgres() ? "jsonb_set(after::jsonb, '{name}', to_jsonb(" + v + "))::text"
                      : "json_set(after, '$.name', " + v + ")";
    as_owner(s, "UPDATE tenants SET display_name = " + v + ";" +
                    "UPDATE profiles SET description = " + v + ";" +
                    "UPDATE profiles SET name = 'Exp' || " + v + " WHERE name = 'Experts';" +
                    "UPDATE users SET name = " + v + ", email = 'x' || " + v +
                    " || '@y' WHERE login = 'bob';" + "UPDATE history SET actor = " + v +
                    ", command = " + v + ", key = 'k' || " + v + ";" +
                    "UPDATE history SET after = " + set_after +
                    " WHERE kind = 'user' AND action = 'create'");
}

struct Case {
    std::vector<std::string> args;
    int code = 0;
    bool shows = true; // the output holds the store's text
    bool csv = false;  // a list, which may be printed as CSV
};

void check_output(const Case& c, const std::string& format, const Result& r) {
    INFO("chatctl " << [&] {
        std::string line;
        for (const auto& a : c.args)
            line += a + " ";
        return line;
    }() << "-o " << format);
    INFO("stderr: " << r.err);
    REQUIRE(r.code == c.code);
    CHECK(raw_control(r.err) == "");
    if (format == "json") {
        const std::string& text = c.code == 0 || c.code == 2 ? r.out : r.err;
        CHECK(raw_control(text) == "");
        Json doc = Json::parse(text, nullptr, false);
        REQUIRE(!doc.is_discarded());
        if (c.shows) CHECK(json_holds(doc, kControls));
    } else if (format == "yaml") {
        CHECK(raw_control(r.out) == "");
        if (c.shows) CHECK(yaml_holds(YAML::Load(r.out), kControls));
    } else if (format == "csv") {
        auto rows = csv_records(r.out);
        REQUIRE(rows.size() >= 2);
        bool found = false;
        for (const auto& row : rows) {
            CHECK(row.size() == rows[0].size());
            for (const auto& cell : row)
                found = found || cell.find(kControls) != std::string::npos;
        }
        CHECK(found);
    } else {
        CHECK(raw_control(r.out) == "");
        // Escaped: in a table, or as JSON and YAML write it in plan lines and export.
        if (c.shows)
            CHECK((r.out.find("\\x1b[31m") != std::string::npos ||
                   r.out.find("\\u001b[31m") != std::string::npos));
    }
}

} // namespace

TEST_SUITE("controls") {

    TEST_CASE("whatever a store holds, no read command writes a raw control character") {
        Sandbox s;
        fill(s);
        const std::string decl =
            s.write("acme.yaml", "tenants:\n  - tenant: acme\n    display_name: Plain\n"
                                 "    profiles:\n      - name: Default\n        default: true\n"
                                 "    users:\n      - login: bob\n        profile: Default\n");
        const std::vector<Case> cases = {
            {{"tenant", "list"}, 0, true, true},
            {{"tenant", "show", "acme"}},
            {{"profile", "list", "-t", "acme"}, 0, true, true},
            {{"profile", "show", "Default", "-t", "acme"}},
            {{"user", "list", "-t", "acme"}, 0, true, true},
            {{"user", "show", "bob", "-t", "acme"}},
            {{"history"}, 0, true, true},
            {{"history", "-t", "acme", "--kind", "user"}, 0, true, true},
            {{"export"}},
            {{"plan", "-f", decl, "--prune"}, 2},
            {{"apply", "--dry-run", "-f", decl, "--prune"}},
            {{"profile", "show", "Exp", "-t", "acme"}, 3, false},
            {{"simulate", "-t", "acme", "--arrivals", "2/h", "--talk", "4m", "--replications", "2",
              "--duration", "1h", "--warmup", "0"},
             0,
             true,
             true},
        };
        for (const auto& c : cases)
            for (const char* format : {"table", "json", "yaml", "csv"}) {
                if (std::string(format) == "csv" && !c.csv) continue;
                std::vector<std::string> args = c.args;
                args.insert(args.end(), {"-o", format});
                check_output(c, format, s.run(args));
            }
    }

    TEST_CASE("an edit checks only the fields it changes, whatever the others hold") {
        Sandbox s;
        fill(s);
        s.ok({"user", "edit", "bob", "-t", "acme", "--name", "Bobby"});
        Json bob = s.ok({"user", "show", "bob", "-t", "acme", "-o", "json"}).json();
        CHECK(bob["name"] == "Bobby");
        CHECK(bob["email"] == "x" + kControls + "@y");
        s.ok({"profile", "edit", "Default", "-t", "acme", "--max-chats", "4"});
        expect_refused(s, {"user", "edit", "bob", "-t", "acme", "--email", "x\x1b@y"}, 5,
                       "control character");
    }

} // TEST_SUITE
