// simulate --arrivals-profile's file: a day's forecast of chats, one row per interval,
// read with the place of every fault; and the values that go with it (--interval,
// --shrinkage).
#pragma once

#include "core/decl/declaration.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatctl::simulation {

struct Interval {
    int start_minute = 0; // of the day
    double arrivals = 0;  // chats in the interval
};

struct ArrivalsProfile {
    std::string file; // as messages name it; "-" for standard input
    std::vector<Interval> intervals;
    int interval_seconds = 0;
};

// The most intervals a day has: one a minute.
constexpr size_t kMaxIntervals = size_t{24} * 60;

// "08:30" for 510, "24:00" for the end of the day.
std::string clock_text(int minute);

// "30m", "1h", "15": an interval's length, whole minutes from 1 minute to 24 hours.
int parse_interval(std::string_view text, std::string_view field);
// "30", "30%", "12.5": the share of paid time not spent taking chats, 0 up to (not) 100%.
double parse_shrinkage(std::string_view text, std::string_view field);

// A CSV file: the header `start,arrivals`, then one row per interval, its start `HH:MM`
// (in increasing order, within the day) and its chats (a number, 0 or more). The length
// of an interval is the gap between the starts, all equal, or interval_seconds (needed
// for one row; when given, the gaps must be it). Every bad row is invalid input at its
// FILE:LINE:COLUMN; one row without interval_seconds is a usage error.
ArrivalsProfile read_arrivals_profile(const Source& source, std::optional<int> interval_seconds);

} // namespace chatctl::simulation
