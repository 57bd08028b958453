// core/yaml_writer: what it writes reads back as the same value.
#include "core/decl/yaml_reader.hpp"
#include "core/decl/yaml_writer.hpp"

#include <doctest/doctest.h>

using namespace chatctl;

TEST_CASE("strings that YAML would read as something else are quoted, others stay plain") {
    CHECK(yaml_scalar("Default") == "Default");
    CHECK(yaml_scalar("Level-2 agents") == "Level-2 agents");
    CHECK(yaml_scalar("alice@acme.example") == "alice@acme.example");
    for (const char* tricky :
         {"yes", "No", "TRUE", "null", "~", "", "123", "1e3", "0x1F", ".5", "- x", "a: b", "#c",
          "{a}", "[b]", "'q'", "\"dq\"", "a #b", "@x", " lead", "trail ", "*alias", "&anchor",
          "!tag", "%d", "`x`", "|", ">", "a\nb", "日本語", "on", "y",
          // Line and paragraph separators break a line for a YAML 1.1 reader, even
          // inside quotes; a tab and a carriage return are not text to leave raw either.
          "a\u2028b", "a \u2029 b", "a\tb", "a\rb", "a\u0085b", "\uffff", "a\ufffeb", "\u0081"}) {
        CAPTURE(tricky);
        std::string yaml = "k: " + yaml_scalar(tricky) + "\n";
        std::vector<Diagnostic> diagnostics;
        YamlDocument doc = read_yaml("t", yaml, diagnostics);
        CHECK(diagnostics.empty());
        CHECK(doc.value["k"] == tricky);
    }
}

TEST_CASE("documents round-trip through text") {
    nlohmann::json doc = nlohmann::json::parse(R"({"version": 1, "tenants": [
        {"tenant": "acme", "display_name": null, "profiles": [], "users": [
           {"login": "null", "name": "x: y", "email": null, "profile": "123"}]},
        {"tenant": "b", "profiles": [{"name": "P", "default": true, "max_concurrent_chats": 25}]}]})");
    std::string text = to_yaml(doc);
    std::vector<Diagnostic> diagnostics;
    YamlDocument back = read_yaml("t", text, diagnostics);
    CHECK(diagnostics.empty());
    CHECK(back.value == doc);
    CHECK(to_yaml(nlohmann::json::array()) == "[]\n");
}
