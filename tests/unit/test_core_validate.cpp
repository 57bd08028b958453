// core/validate: every bound and both small parsers.
#include "core/error.hpp"
#include "core/validate.hpp"

#include <doctest/doctest.h>

using namespace chatctl;
namespace v = chatctl::validate;

namespace {

ErrorKind kind_of_failure(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error thrown");
    return ErrorKind::internal;
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("durations: seconds or s/m/h, whole, within 0-3600") {
    CHECK(v::parse_duration("0", "d") == 0);
    CHECK(v::parse_duration("90", "d") == 90);
    CHECK(v::parse_duration("90s", "d") == 90);
    CHECK(v::parse_duration("2m", "d") == 120);
    CHECK(v::parse_duration("1h", "d") == 3600);
    CHECK(v::parse_duration("0h", "d") == 0);
    CHECK(v::parse_duration("007", "d") == 7);
    for (const char* bad : {"", "s", "1.5m", "-1", "+1", "1 s", "1S", "1d", "3601", "61m", "2h",
                            "1h1m", "999999999999999999999", "9223372036854775807h", " 1"}) {
        CAPTURE(bad);
        CHECK(kind_of_failure([&] { v::parse_duration(bad, "--wrap-up"); }) ==
              ErrorKind::invalid_input);
    }
    std::string m = message_of([] { v::parse_duration("1.5m", "--wrap-up"); });
    CHECK(m.find("--wrap-up") != std::string::npos);
    CHECK(m.find("1.5m") != std::string::npos);
    CHECK(m.find("0-3600") != std::string::npos);
}

TEST_CASE("integers within a range, nothing else") {
    CHECK(v::parse_int("1", "n", 1, 25) == 1);
    CHECK(v::parse_int("25", "n", 1, 25) == 25);
    for (const char* bad :
         {"0", "26", "", "1.0", "1e1", "0x5", "+5", " 5", "5 ", "-0x1", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK(kind_of_failure([&] { v::parse_int(bad, "--max-chats", 1, 25); }) ==
              ErrorKind::invalid_input);
    }
    std::string m = message_of([] { v::parse_int("26", "--max-chats", 1, 25); });
    CHECK(m.find("--max-chats") != std::string::npos);
    CHECK(m.find("1-25") != std::string::npos);
}

TEST_CASE("tenant keys") {
    for (const char* ok : {"a", "acme", "a-b", "0", "9x9",
                           "abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxyz"})
        CHECK_NOTHROW(v::tenant_key(ok, "t"));
    for (const char* bad : {"", "-a", "a-", "A", "a_b", "a.b", "é", "a b"})
        CHECK_THROWS_AS(v::tenant_key(bad, "t"), Error);
    CHECK_THROWS_AS(v::tenant_key(std::string(64, 'a'), "t"), Error);
}

TEST_CASE("profile names count code points and refuse control characters and edge spaces") {
    std::string e127, e128;
    for (int i = 0; i < 127; ++i)
        e127 += "é";
    e128 = e127 + "é";
    CHECK_NOTHROW(v::profile_name(e127, "name"));
    CHECK_THROWS_AS(v::profile_name(e128, "name"), Error);
    CHECK_NOTHROW(v::profile_name("Level 2 — experts 🚀", "name"));
    for (std::string bad :
         {std::string(""), std::string(" a"), std::string("a "), std::string("a\nb"),
          std::string("a\x7f"), std::string("\xc2\x85"), std::string("\xff"),
          std::string("\xc0\xaf"), std::string("\xed\xa0\x80"), std::string("a\0b", 3)}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(v::profile_name(bad, "name"), Error);
    }
}

TEST_CASE("utf8_length rejects invalid sequences") {
    CHECK(v::utf8_length("abc") == 3u);
    CHECK(v::utf8_length("日本") == 2u);
    CHECK(v::utf8_length("\xf0\x9f\x9a\x80") == 1u);
    CHECK(!v::utf8_length("\xe6\x97"));         // truncated
    CHECK(!v::utf8_length("\xf4\x90\x80\x80")); // past U+10FFFF
    CHECK(!v::utf8_length("\xe0\x80\xaf"));     // overlong
}

TEST_CASE("logins, emails, free text") {
    CHECK_NOTHROW(v::login("A.b_c@d+e-f9", "login"));
    CHECK_THROWS_AS(v::login("", "login"), Error);
    CHECK_THROWS_AS(v::login(std::string(129, 'a'), "login"), Error);
    CHECK_NOTHROW(v::login(std::string(128, 'a'), "login"));
    for (const char* bad : {"a b", "a!", "é", "a/b", "a:b"})
        CHECK_THROWS_AS(v::login(bad, "login"), Error);
    CHECK_NOTHROW(v::email("a@b", "email"));
    for (const char* bad : {"a", "@b", "a@", "a b@c", "a@b c", "a\t@b"})
        CHECK_THROWS_AS(v::email(bad, "email"), Error);
    CHECK_THROWS_AS(v::email(std::string(250, 'a') + "@b.cd", "email"), Error);
    CHECK_NOTHROW(v::description(std::string(250, 'd'), "description"));
    CHECK_THROWS_AS(v::description(std::string(251, 'd'), "description"), Error);
    CHECK_NOTHROW(v::display_name(std::string(200, 'd'), "display_name"));
    CHECK_THROWS_AS(v::display_name(std::string(201, 'd'), "display_name"), Error);
    CHECK_THROWS_AS(v::user_name("a\x1b", "name"), Error);
}

TEST_CASE("numbers of a declaration") {
    CHECK_NOTHROW(v::max_chats(1, "m"));
    CHECK_NOTHROW(v::max_chats(25, "m"));
    CHECK_THROWS_AS(v::max_chats(0, "m"), Error);
    CHECK_THROWS_AS(v::max_chats(26, "m"), Error);
    CHECK_NOTHROW(v::wrap_up(0, "w"));
    CHECK_NOTHROW(v::wrap_up(3600, "w"));
    CHECK_THROWS_AS(v::wrap_up(-1, "w"), Error);
    CHECK_THROWS_AS(v::wrap_up(3601, "w"), Error);
    std::string m = message_of([] { v::max_chats(30, "max_concurrent_chats"); });
    CHECK(m.find("max_concurrent_chats") != std::string::npos);
    CHECK(m.find("30") != std::string::npos);
}

TEST_CASE("values in messages are quoted, escaped and shortened") {
    CHECK(v::quote("a\"b") == "\"a\\\"b\"");
    CHECK(v::quote("a\nb") == "\"a\\nb\"");
    CHECK(v::quote("\x01") == "\"\\x01\"");
    CHECK(v::quote(std::string(100, 'x')).size() < 70);
}

TEST_CASE("closest: the nearest candidate, swaps counting as one edit, or none") {
    std::vector<std::string> commands{"create", "edit", "list", "show", "delete"};
    CHECK(v::closest("lsit", commands) == "list");
    CHECK(v::closest("dlete", commands) == "delete");
    CHECK(v::closest("shwo", commands) == "show");
    CHECK(v::closest("zzzzzz", commands).empty());
    CHECK(v::closest("display_nme", {"tenant", "display_name", "profiles"}) == "display_name");
    // Failing an edit or two: the shortest candidate holding the word's letters in order.
    const std::vector<std::string> keys{"name", "default", "max_concurrent_chats",
                                        "wrap_up_seconds", "description"};
    CHECK(v::closest("wrap_up", keys) == "wrap_up_seconds");
    CHECK(v::closest("max-chats", keys) == "max_concurrent_chats");
    CHECK(v::closest("Desc", keys) == "description");
    CHECK(v::closest("wrap", keys) == "wrap_up_seconds");
    CHECK(v::closest("max", keys).empty());       // three letters say too little
    CHECK(v::closest("chats_max", keys).empty()); // out of order
    CHECK(v::closest("--wrap", {"--wrap-up", "--wrap-up-seconds"}) == "--wrap-up");
}

TEST_CASE("listed: names quoted, the first few, and how many more") {
    CHECK(v::listed({}) == "");
    CHECK(v::listed({"Default"}) == "\"Default\"");
    CHECK(v::listed({"a", "b", "c"}, 2) == "\"a\", \"b\" and 1 more");
}

TEST_CASE("controls are escaped for people: C0, DEL, C1 and bytes that are not UTF-8") {
    CHECK(v::escape_controls("a\x1b[31mb") == "a\\x1b[31mb");
    CHECK(v::escape_controls("l1\nl2\r\tx\x07\x7f") == "l1\\nl2\\r\\tx\\x07\\x7f");
    CHECK(v::escape_controls("\xc2\x85 \xc2\x9b \xc2\x80 \xc2\x9f") ==
          "\\u0085 \\u009b \\u0080 \\u009f");
    CHECK(v::escape_controls("\x9b\xff") == "\\x9b\\xff");
    CHECK(v::escape_controls(std::string("a\0b", 3)) == "a\\x00b");
    // Text, accents, U+00A0, U+2028 and backslashes stay as they are.
    CHECK(v::escape_controls("Zo\xc3\xab\xc2\xa0\\x1b\xe2\x80\xa8") ==
          "Zo\xc3\xab\xc2\xa0\\x1b\xe2\x80\xa8");
    CHECK(v::has_control("a\xc2\x9b"));
    CHECK(!v::has_control("Zo\xc3\xab \xc2\xa0"));
}

TEST_CASE("JSON escapes DEL and C1 too, and stays JSON") {
    const std::string text = "a\x1b"
                             "b\x7f"
                             "c\xc2\x9b"
                             "d\xc2\x85"
                             "\xc2\xa0";
    const std::string dumped = json_dump(Json{{"k", text}});
    CHECK(dumped == "{\"k\":\"a\\u001bb\\u007fc\\u009bd\\u0085\xc2\xa0\"}");
    CHECK(Json::parse(dumped)["k"] == text);
    std::string quoted;
    json_quote(quoted, text);
    CHECK(quoted == json_dump(Json(text)));
}
