// core/yaml_reader: typing of scalars, places, and what a declaration refuses.
#include "core/decl/yaml_reader.hpp"

#include <doctest/doctest.h>

using namespace chatctl;

namespace {

struct Read {
    YamlDocument doc;
    std::vector<Diagnostic> diagnostics;
};

Read read(const std::string& text) {
    Read r;
    r.doc = read_yaml("f.yaml", text, r.diagnostics);
    return r;
}

} // namespace

TEST_CASE("plain scalars are typed as YAML 1.2; quoted ones are strings") {
    Read r = read("a: 5\nb: \"5\"\nc: '5'\nd: 1.5\ne: true\nf: yes\ng: null\nh: ~\ni:\nj: -3\n"
                  "k: !!str 7\nl: 0x10\nm: 1e3\n");
    // A declaration's numbers are integers: a fraction is reported where it stands.
    REQUIRE(r.diagnostics.size() == 2);
    CHECK(r.diagnostics[0].message == "d: 1.5 is not a whole number (numbers are integers)");
    CHECK(r.diagnostics[1].message == "m: 1e3 is not a whole number (numbers are integers)");
    const auto& v = r.doc.value;
    CHECK(v["a"] == 5);
    CHECK(v["b"] == "5");
    CHECK(v["c"] == "5");
    CHECK(v["d"] == "1.5");
    CHECK(v["e"] == true);
    CHECK(v["f"] == "yes"); // YAML 1.1 booleans are strings in 1.2
    CHECK(v["g"].is_null());
    CHECK(v["h"].is_null());
    CHECK(v["i"].is_null());
    CHECK(v["j"] == -3);
    CHECK(v["k"] == "7");
    CHECK(v["l"] == "0x10");
    CHECK(v["m"] == "1e3");
}

TEST_CASE("places are 1-based, for values and for keys") {
    Read r = read("tenants:\n  - tenant: acme\n    profiles:\n      - name: X\n");
    CHECK(position_of(r.doc.marks, {"tenants", "0", "tenant"}).line == 2);
    CHECK(position_of(r.doc.marks, {"tenants", "0", "tenant"}).column == 13);
    CHECK(position_of(r.doc.marks, {"tenants", "0", "tenant"}, true).column == 5);
    CHECK(position_of(r.doc.marks, {"tenants", "0", "profiles", "0", "name"}).line == 4);
    // A path past what exists gives the nearest parent's place.
    CHECK(position_of(r.doc.marks, {"tenants", "0", "nope"}).line == 2);
}

TEST_CASE("a duplicate key is reported at the second, and the first value is kept") {
    Read r = read("a: 1\nb: 2\na: 3\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].line == 3);
    CHECK(r.diagnostics[0].column == 1);
    CHECK(r.diagnostics[0].message.find("line 1") != std::string::npos);
    CHECK(r.doc.value["a"] == 1);
    Read nested = read("x:\n  - {k: 1, k: 2}\n");
    CHECK(nested.diagnostics.size() == 1);
}

TEST_CASE("aliases, unknown tags, complex keys and second documents are refused") {
    CHECK(read("a: &x 1\nb: *x\n").diagnostics.size() == 1);
    CHECK(read("a: !custom 1\n").diagnostics.size() == 1);
    CHECK(read("? [a, b]\n: 1\n").diagnostics.size() == 1);
    CHECK(read("a: 1\n---\nb: 2\n").diagnostics.size() == 1);
}

TEST_CASE("too large integers, invalid UTF-8 and syntax errors are reported with places") {
    Read big = read("n: 123456789012345678901234567890\n");
    REQUIRE(big.diagnostics.size() == 1);
    CHECK(big.diagnostics[0].message.find("n: ") == 0);
    Read utf = read("a: ok\nb: \xc3\x28\n");
    REQUIRE(utf.diagnostics.size() == 1);
    CHECK(utf.diagnostics[0].line == 2);
    CHECK(utf.diagnostics[0].column == 4);
    CHECK(!utf.doc.complete);
    Read syntax = read("a: [1, 2\n");
    REQUIRE(syntax.diagnostics.size() == 1);
    CHECK(!syntax.doc.complete);
}

TEST_CASE("an empty file or one with only comments holds no document") {
    CHECK(read("").doc.empty);
    CHECK(read("# nothing\n").doc.empty);
    CHECK(!read("a: 1\n").doc.empty);
}

TEST_CASE("deep nesting is refused, not a crash") {
    std::string deep(100000, '[');
    Read r = read(deep);
    CHECK(!r.diagnostics.empty());
    // Closed, so that only the depth is wrong: refused where it passes 64 levels.
    Read closed = read("a: " + std::string(100000, '[') + std::string(100000, ']') + "\n");
    REQUIRE(closed.diagnostics.size() == 1);
    CHECK(closed.diagnostics[0].line == 1);
    CHECK(closed.diagnostics[0].column == 4 + 63); // the 64th opening
    CHECK(closed.diagnostics[0].message.find("deeper than a declaration can") != std::string::npos);
    CHECK(!closed.doc.complete);
    // Five levels, as deep as a declaration goes, and more, are read.
    CHECK(read("a: [[[[[[[[1]]]]]]]]\n").diagnostics.empty());
}

TEST_CASE("syntax errors name what libyaml was reading, and where it started") {
    Read r = read("tenants:\n  - tenant: a\n   x: 1\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].line == 3);
    CHECK(r.diagnostics[0].message.find("(while parsing a block ") != std::string::npos);
    CHECK(r.diagnostics[0].message.find("at line 2") != std::string::npos);
    // A users list in flow style inside flow collections is read like block style.
    Read flow = read("tenants: [{tenant: a, users: [{login: x}, {login: y}]}]\n");
    CHECK(flow.diagnostics.empty());
    CHECK(flow.doc.value["tenants"][0]["users"][1]["login"] == "y");
}
