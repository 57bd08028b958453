// CSV through libcsv (places of fields, the faults that stop reading, quoting on output)
// and the time bounds of history's --since and --until.
#include "core/clock.hpp"
#include "core/csv/csv.hpp"
#include "core/error.hpp"

#include <cstdlib>
#include <ctime>
#include <doctest/doctest.h>
#include <optional>
#include <string>

using namespace chatctl;

namespace {

std::vector<csv::Record> records(const std::string& text,
                                 std::optional<Diagnostic>* fault = nullptr) {
    std::vector<csv::Record> out;
    auto f = csv::read("f.csv", Input::from_text(text), [&](csv::Record& r) { out.push_back(r); });
    if (fault) *fault = f;
    return out;
}

} // namespace

TEST_CASE("fields come with their text and the place they start at") {
    auto r = records("\xEF\xBB\xBF"
                     "a,\"b,c\"\r\n\r\n\"multi\nline\",é,\"\"\"\"\nlast");
    REQUIRE(r.size() == 3);
    REQUIRE(r[0].fields.size() == 2);
    CHECK(r[0].fields[1].text == "b,c");
    CHECK(r[0].fields[0].at.line == 1);
    CHECK(r[0].fields[0].at.column == 1); // after the byte order mark
    CHECK(r[0].fields[1].at.column == 3);
    CHECK(r[1].at.line == 3); // the empty line is no record
    CHECK(r[1].fields[0].text == "multi\nline");
    CHECK(r[1].fields[1].at.line == 4);
    CHECK(r[1].fields[1].at.column == 7);
    CHECK(r[1].fields[2].text == "\"");
    CHECK(r[1].fields[2].at.column == 9); // é is one column
    CHECK(r[2].fields[0].text == "last");
    CHECK(r[2].at.line == 5);
}

TEST_CASE("spaces are kept; empty fields are empty") {
    auto r = records(" a , b ,,\n");
    REQUIRE(r.size() == 1);
    REQUIRE(r[0].fields.size() == 4);
    CHECK(r[0].fields[0].text == " a ");
    CHECK(r[0].fields[2].text.empty());
    CHECK(r[0].fields[3].text.empty());
}

TEST_CASE("faults stop reading at their place") {
    std::optional<Diagnostic> fault;
    records("a\n\"open", &fault);
    REQUIRE(fault);
    CHECK(fault->line == 2);
    CHECK(fault->column == 1);
    records("a,b\"c\n", &fault);
    REQUIRE(fault);
    CHECK(fault->column == 4);
    records("a\nx," + std::string(csv::kMaxRecord + 10, 'a'), &fault);
    REQUIRE(fault);
    CHECK(fault->line == 2);
    CHECK(fault->column == 1); // the row's start
    CHECK(fault->message.find("16 KiB") != std::string::npos);
    // A row of kMaxFields fields is read, one more is refused, at the end of the input too.
    const std::string widest(csv::kMaxFields - 1, ',');
    CHECK(records(widest + "\n" + widest, &fault).size() == 2);
    CHECK(!fault);
    for (const char* end : {"\n", ""}) {
        records("a\n" + widest + "," + end, &fault);
        REQUIRE(fault);
        CHECK(fault->line == 2);
        CHECK(fault->message.find("more than 64 fields") != std::string::npos);
    }
    records("ok\n", &fault);
    CHECK(!fault);
}

TEST_CASE("rows are written with the quoting RFC 4180 asks for, and read back the same") {
    std::string out;
    std::vector<std::string> cells = {"plain", "a,b", "say \"hi\"", "two\nlines", " pad", ""};
    csv::write_row(out, cells);
    CHECK(out == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",\n");
    auto r = records(out);
    REQUIRE(r.size() == 1);
    REQUIRE(r[0].fields.size() == cells.size());
    for (size_t i = 0; i < cells.size(); ++i)
        CHECK(r[0].fields[i].text == cells[i]);
    // A first field starting with U+FEFF is not taken for a byte order mark when read back.
    std::string bom;
    csv::write_row(bom, {"\xEF\xBB\xBFname", "x"});
    CHECK(bom == "\"\xEF\xBB\xBFname\",x\n");
    auto back = records(bom);
    REQUIRE(back.size() == 1);
    CHECK(back[0].fields[0].text == "\xEF\xBB\xBFname");
}

TEST_CASE("time bounds: ISO 8601 dates and times, offsets, times ago; the end of a span") {
    const int64_t now = 1764158400000; // 2025-11-26T12:00:00.000Z
    CHECK(time_bound("2026-11-26", "--since", false, now) == "2026-11-26T00:00:00.000Z");
    CHECK(time_bound("2026-11-26", "--until", true, now) == "2026-11-26T23:59:59.999Z");
    CHECK(time_bound("2026-11-26T09:30", "--until", true, now) == "2026-11-26T09:30:59.999Z");
    CHECK(time_bound("2026-11-26 09:30:15", "--since", false, now) == "2026-11-26T09:30:15.000Z");
    CHECK(time_bound("2026-11-26T09:30:15.250+01:00", "--since", false, now) ==
          "2026-11-26T08:30:15.250Z");
    CHECK(time_bound("2026-11-26T00:30:00-02:00", "--since", false, now) ==
          "2026-11-26T02:30:00.000Z");
    CHECK(time_bound("2h", "--since", false, now) == "2025-11-26T10:00:00.000Z");
    CHECK(time_bound("7d", "--since", false, now) == "2025-11-19T12:00:00.000Z");
    CHECK(time_bound("90s", "--since", false, now) == "2025-11-26T11:58:30.000Z");
    CHECK(time_bound("2024-02-29", "--since", false, now) == "2024-02-29T00:00:00.000Z");
    for (const char* bad :
         {"", "yesterdays", "to day", "1.5h", "2h ago", "2026-02-30", "2025-02-29", "2026-13-01",
          "2026-11-26T24:00", "2026-11-26T09:30:15.25", "2026-11-26T09:30Z junk", "26/11/2026",
          "-2h", "1969-12-31"})
        CHECK_THROWS_AS(time_bound(bad, "--since", false, now), Error);
}

// Local time is $TZ's: a POSIX rule, so that no time zone database is needed.
struct LocalZone {
    explicit LocalZone(const char* tz) {
        if (const char* was = std::getenv("TZ")) before = was;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~LocalZone() {
        if (before)
            ::setenv("TZ", before->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    std::optional<std::string> before;
};

TEST_CASE("today and yesterday are local days; history's times read in local time") {
    LocalZone paris("CET-1CEST,M3.5.0,M10.5.0/3");
    const int64_t now = 1764158400000; // 2025-11-26T12:00:00.000Z, 13:00 in Paris
    CHECK(time_bound("today", "--since", false, now) == "2025-11-25T23:00:00.000Z");
    CHECK(time_bound("Today", "--until", true, now) == "2025-11-26T22:59:59.999Z");
    CHECK(time_bound("yesterday", "--since", false, now) == "2025-11-24T23:00:00.000Z");
    CHECK(time_bound("YESTERDAY", "--until", true, now) == "2025-11-25T22:59:59.999Z");
    // The day the clocks go forward has 23 hours.
    const int64_t spring = 1743336000000; // 2025-03-30T12:00:00.000Z
    CHECK(time_bound("today", "--since", false, spring) == "2025-03-29T23:00:00.000Z");
    CHECK(time_bound("today", "--until", true, spring) == "2025-03-30T21:59:59.999Z");
    CHECK(local_time("2025-11-26T12:00:00.000Z") == "2025-11-26 13:00:00 +01:00");
    CHECK(local_time("2025-07-01T23:30:00.999Z") == "2025-07-02 01:30:00 +02:00");
    CHECK(local_time("not a time") == "not a time");
    LocalZone newfoundland("NST3:30");
    CHECK(local_time("2025-11-26T12:00:00.000Z") == "2025-11-26 08:30:00 -03:30");
}
