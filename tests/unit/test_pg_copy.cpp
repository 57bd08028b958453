// A field of COPY's text format (core/store/postgres/pg_conn): what the server reads back
// is the text given, whatever it holds.
#include "core/store/postgres/pg_conn.hpp"

#include <doctest/doctest.h>

using chatctl::postgres::copy_field;

namespace {

std::string field(const std::optional<std::string>& value) {
    std::string out = "x";
    copy_field(out, value);
    return out.substr(1); // appended to what is there
}

} // namespace

TEST_CASE("copy_field: NULL, plain text, and each character COPY's text format escapes") {
    CHECK(field(std::nullopt) == "\\N");
    CHECK(field(std::string()) == "");
    CHECK(field(std::string("\\N")) == "\\\\N"); // the text, not a NULL
    CHECK(field(std::string("Agent Smith {\"a\":1}")) == "Agent Smith {\"a\":1}");
    CHECK(field(std::string("a\tb\nc\rd\\e")) == "a\\tb\\nc\\rd\\\\e");
    CHECK(field(std::string("\t\t")) == "\\t\\t");
    CHECK(field(std::string("\\")) == "\\\\");
    CHECK(field(std::string("end\n")) == "end\\n");
    CHECK(field(std::string("caf\xc3\xa9\x01")) ==
          "caf\xc3\xa9\x01"); // the store refuses it, not COPY
}
