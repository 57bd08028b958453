// core/decl/plain_user: a users item taken without its JSON value is what the JSON
// reading of the same item gives, diagnostics included.
#include "core/decl/plain_user.hpp"

#include <doctest/doctest.h>
#include <random>

using namespace chatctl;

namespace {

// What the declaration keeps of an item: the declared user when the plain check passes
// it, else the JSON value with its places (for the schema to judge).
std::string kept(const DeclUser& u) {
    auto opt = [](const std::optional<std::string>& s) { return s ? "\"" + *s + "\"" : "none"; };
    return "user " + u.user.login + " " + opt(u.user.name) + " " + opt(u.user.email) + " " +
           (u.has_profile ? u.user.profile : "-") + " at " + u.at.str() + " profile at " +
           u.profile_at.str();
}

std::string places(const Marked& m) {
    std::string out = std::to_string(m.at.line) + ":" + std::to_string(m.at.column) + "/" +
                      std::to_string(m.key_at.line) + ":" + std::to_string(m.key_at.column);
    if (m.children) {
        for (const auto& [key, child] : m.children->fields)
            out += " " + key + "(" + places(child) + ")";
        for (const auto& child : m.children->items)
            out += " [" + places(child) + "]";
    }
    return out;
}

struct Reading {
    std::vector<std::string> items;
    std::vector<std::string> diagnostics;
    size_t flat = 0; // items taken without a JSON value
};

Reading read(const std::string& text, bool flat) {
    Reading r;
    std::vector<Diagnostic> diagnostics;
    UserHooks hooks;
    hooks.item = [&](size_t tenant, size_t index, nlohmann::json& value, Marked& marks) {
        std::string where = std::to_string(tenant) + "." + std::to_string(index) + " ";
        // A user is compared without its numbers: the flat hook is not given its index.
        r.items.push_back(plainly_valid_user(value) ? kept(user_of("f.yaml", value, marks))
                                                    : where + value.dump() + " " + places(marks));
    };
    DeclUser u;
    if (flat)
        hooks.flat = [&](size_t, const FlatItem& item) {
            if (!plain_user("f.yaml", item, u)) return false;
            ++r.flat;
            r.items.push_back(kept(u));
            return true;
        };
    read_yaml("f.yaml", Input::from_text(text), diagnostics, hooks);
    for (const auto& d : diagnostics)
        r.diagnostics.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + " " +
                                d.message);
    return r;
}

const char* const kKeys[] = {"login",      "name",  "email", "profile", "\"login\"",
                             "!!str name", "Login", "~",     "extra",   "'email'"};
const char* const kValues[] = {"alice",
                               "\"Alice\"",
                               "'Bob Smith'",
                               "~",
                               "null",
                               "''",
                               "\"\"",
                               "5",
                               "1.5",
                               "true",
                               "yes",
                               "!!str 7",
                               "!!int 3",
                               "a@b.example",
                               "\"not an address\"",
                               "Night",
                               "*x",
                               "&x anchored",
                               "[a, b]",
                               "{x: y}",
                               "\"tab\\there\"",
                               "\"line\\nbreak\"",
                               "\" padded \"",
                               "99999999999999999999",
                               "1e3",
                               "!custom v",
                               "é-ü",
                               "|\n          block"};

std::string random_item(std::mt19937& rng) {
    auto pick = [&](auto& list) {
        return std::string(
            list[std::uniform_int_distribution<size_t>(0, std::size(list) - 1)(rng)]);
    };
    int shape = std::uniform_int_distribution<int>(0, 9)(rng);
    if (shape == 0) return pick(kValues); // not a mapping
    int pairs = std::uniform_int_distribution<int>(0, 5)(rng);
    std::vector<std::string> fields;
    for (int i = 0; i < pairs; ++i) {
        // Mostly what a file of users holds: a login and a few known fields.
        bool common = std::uniform_int_distribution<int>(0, 2)(rng) != 0;
        std::string key = common ? std::string(kKeys[i % 4]) : pick(kKeys);
        std::string value =
            common && i == 0 ? "user" + std::to_string(rng() % 1000) : pick(kValues);
        if (common && i == 2) value = "u" + std::to_string(rng() % 100) + "@example.com";
        fields.push_back(key + ": " + value);
    }
    if (shape == 1) { // flow style
        std::string out = "{";
        for (size_t i = 0; i < fields.size(); ++i)
            out += (i ? ", " : "") + fields[i];
        return fields.empty() || fields.back().find('|') != std::string::npos ? "{}" : out + "}";
    }
    if (fields.empty()) return "{}";
    std::string out = fields[0];
    for (size_t i = 1; i < fields.size(); ++i)
        out += "\n        " + fields[i];
    return out;
}

// The first line where two readings differ, or "" when they are the same.
std::string difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        std::string x = i < a.size() ? a[i] : "(none)", y = i < b.size() ? b[i] : "(none)";
        if (x != y) return x + "\n    vs " + y;
    }
    return "";
}

} // namespace

TEST_CASE("a users item taken without its JSON value is what its JSON value gives") {
    std::mt19937 rng(20261205);
    size_t flat = 0, total = 0;
    for (int round = 0; round < 400; ++round) {
        std::string text = "tenants:\n";
        for (int t = 0; t < 2; ++t) {
            text += "  - tenant: t" + std::to_string(t) + "\n    users:\n";
            for (int i = 0, n = std::uniform_int_distribution<int>(0, 6)(rng); i < n; ++i)
                text += "      - " + random_item(rng) + "\n";
        }
        if (round % 50 == 49) text += "  - [unclosed\n"; // a syntax error after the items
        INFO(text);
        Reading json = read(text, false), fast = read(text, true);
        CHECK(json.flat == 0);
        CHECK(difference(fast.items, json.items) == "");
        CHECK(difference(fast.diagnostics, json.diagnostics) == "");
        flat += fast.flat;
        total += fast.items.size();
    }
    // Both paths were taken, often.
    CHECK(flat > 300);
    CHECK(total - flat > 300);
}

TEST_CASE("a plain user item keeps its places, and a profile's place is its value's") {
    Reading r = read("tenants:\n  - tenant: acme\n    users:\n      - login: alice\n"
                     "        profile: Night\n      - {login: bob, name: '', email: ~}\n",
                     true);
    REQUIRE(r.flat == 2);
    CHECK(r.items[0] == "user alice none none Night at f.yaml:4:9 profile at f.yaml:5:18");
    CHECK(r.items[1] == "user bob none none - at f.yaml:6:9 profile at f.yaml:6:9");
}
