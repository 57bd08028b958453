// core/model: users read back from history's JSON text without a JSON value.
#include "core/model.hpp"

#include <doctest/doctest.h>

using namespace chatctl;

namespace {

// What the JSON parser reads from the text, as a user (object_from_json).
std::optional<Object> parsed(const std::string& text) {
    return object_from_json(Kind::user, Json::parse(text, nullptr, false));
}

} // namespace

TEST_CASE("a user read from the text chatctl writes is the user the JSON parser reads") {
    const User users[] = {
        {"acme", "ann", std::string("Ann \"A\", the 1st"), std::string("ann@x.io"), "Default"},
        {"acme", "bob", std::nullopt, std::nullopt, "Sales"},
        {"acme", "zoe", std::string("Zoë \\ Żak / 東"), std::nullopt, "Support \"EU\""},
        {"acme", "tab", std::string("a\tb\nc\rd\be\ff"), std::string(""), "P"},
    };
    for (const User& u : users) {
        const std::string text = to_json_text(u);
        auto fast = user_from_json_text(text);
        REQUIRE(fast);
        CHECK(*fast == u);
        CHECK(parsed(text) == std::optional<Object>(*fast));
    }
}

TEST_CASE("any other text is left to the JSON parser") {
    const std::string good = to_json_text(User{"acme", "ann", std::nullopt, std::nullopt, "P"});
    CHECK(user_from_json_text(good));
    for (const std::string& text : {
             std::string("{\"tenant\": \"acme\",\"login\":\"ann\",\"name\":null,\"email\":null,"
                         "\"profile\":\"P\"}"), // a space
             std::string("{\"login\":\"ann\",\"tenant\":\"acme\",\"name\":null,\"email\":null,"
                         "\"profile\":\"P\"}"), // keys reordered
             std::string("{\"tenant\":\"acme\",\"login\":\"ann\",\"name\":null,"
                         "\"profile\":\"P\"}"), // no email
             good + " ",                        // after the end
             good.substr(0, good.size() - 1),   // cut
             std::string("{\"tenant\":\"acme\",\"login\":\"a\\u006en\",\"name\":null,"
                         "\"email\":null,\"profile\":\"P\"}"), // \u escape
             std::string("{\"tenant\":\"acme\",\"login\":\"a\xffn\",\"name\":null,"
                         "\"email\":null,\"profile\":\"P\"}"), // not UTF-8
             std::string("{\"tenant\":\"acme\",\"login\":\"a\x01n\",\"name\":null,"
                         "\"email\":null,\"profile\":\"P\"}"), // a raw control
             std::string("{\"tenant\":\"acme\",\"login\":\"a\\qn\",\"name\":null,"
                         "\"email\":null,\"profile\":\"P\"}"), // a bad escape
             std::string("{\"tenant\":\"acme\",\"login\":\"ann\",\"name\":7,"
                         "\"email\":null,\"profile\":\"P\"}"), // a number
             std::string("null"),
         })
        CHECK_MESSAGE(!user_from_json_text(text), text);
}
