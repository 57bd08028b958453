#include "core/clock.hpp"

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/validate.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace chatctl {

namespace {

constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;

// Reads exactly `digits` digits at text[at], advancing at.
bool number(std::string_view text, size_t& at, int digits, int& out) {
    out = 0;
    for (int i = 0; i < digits; ++i, ++at) {
        if (at >= text.size() || !std::isdigit(static_cast<unsigned char>(text[at]))) return false;
        out = out * 10 + (text[at] - '0');
    }
    return true;
}

bool take(std::string_view text, size_t& at, char c) {
    if (at < text.size() && text[at] == c) return ++at, true;
    return false;
}

// "7d" and the like: the instant that long before now.
bool ago(std::string_view text, int64_t now, int64_t& out) {
    if (text.size() < 2 || text.size() > 10) return false;
    int64_t n = 0;
    for (size_t i = 0; i + 1 < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
        n = n * 10 + (text[i] - '0');
    }
    int64_t unit = 0;
    switch (text.back()) {
    case 's':
        unit = kSecond;
        break;
    case 'm':
        unit = kMinute;
        break;
    case 'h':
        unit = kHour;
        break;
    case 'd':
        unit = kDay;
        break;
    case 'w':
        unit = 7 * kDay;
        break;
    default:
        return false;
    }
    out = now - n * unit;
    return true;
}

// "today", "yesterday" (any case): that day in local time ($TZ), from its midnight to the
// next one (23 or 25 hours on a day the clocks change).
bool day_word(std::string_view text, int64_t now, int64_t& start, int64_t& span) {
    const std::string word = fold(std::string(text));
    const int back = word == "today" ? 0 : word == "yesterday" ? 1 : -1;
    if (back < 0) return false;
    const std::time_t t = static_cast<std::time_t>(now / kSecond);
    std::tm day{};
    ::localtime_r(&t, &day);
    day.tm_hour = day.tm_min = day.tm_sec = 0;
    day.tm_mday -= back;
    day.tm_isdst = -1;
    std::tm next = day;
    next.tm_mday += 1;
    start = static_cast<int64_t>(std::mktime(&day)) * kSecond;
    span = static_cast<int64_t>(std::mktime(&next)) * kSecond - start;
    return true;
}

// An ISO 8601 date or time: its first instant and how long the precision given spans.
bool iso(std::string_view text, int64_t& start, int64_t& span) {
    size_t at = 0;
    int year, month, day, hour = 0, minute = 0, second = 0, milli = 0;
    if (!number(text, at, 4, year) || !take(text, at, '-') || !number(text, at, 2, month) ||
        !take(text, at, '-') || !number(text, at, 2, day))
        return false;
    span = kDay;
    int64_t offset = 0;
    if (at < text.size()) {
        if (!take(text, at, 'T') && !take(text, at, ' ')) return false;
        if (!number(text, at, 2, hour) || !take(text, at, ':') || !number(text, at, 2, minute))
            return false;
        span = kMinute;
        if (take(text, at, ':')) {
            if (!number(text, at, 2, second)) return false;
            span = kSecond;
            if (take(text, at, '.')) {
                if (!number(text, at, 3, milli)) return false;
                span = 1;
            }
        }
        if (take(text, at, 'Z')) {
        } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
            int sign = text[at++] == '+' ? 1 : -1, oh, om;
            if (!number(text, at, 2, oh) || !take(text, at, ':') || !number(text, at, 2, om) ||
                oh > 23 || om > 59)
                return false;
            offset = sign * (oh * kHour + om * kMinute);
        }
        if (at != text.size()) return false;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
        return false;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    std::time_t t = ::timegm(&tm);
    if (tm.tm_mday != day || tm.tm_mon != month - 1) return false; // 2026-02-30
    start = static_cast<int64_t>(t) * kSecond + milli - offset;
    return true;
}

} // namespace

int64_t now_ms() {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<int64_t>(now.tv_sec) * kSecond + now.tv_nsec / 1000000;
}

std::string iso8601_ms(int64_t ms) {
    int64_t seconds = ms >= 0 ? ms / kSecond : (ms - kSecond + 1) / kSecond;
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    ::gmtime_r(&t, &utc);
    char buffer[48];
    size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(buffer + n, sizeof buffer - n, ".%03dZ",
                  static_cast<int>(ms - seconds * kSecond));
    return buffer;
}

std::string local_time(std::string_view utc) {
    int64_t ms = 0, span = 0;
    if (!iso(utc, ms, span)) return std::string(utc);
    const std::time_t t =
        static_cast<std::time_t>(ms >= 0 ? ms / kSecond : (ms - kSecond + 1) / kSecond);
    std::tm local{};
    ::localtime_r(&t, &local);
    char buffer[48];
    size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S ", &local);
    const long offset = local.tm_gmtoff / 60; // minutes east of UTC
    std::snprintf(buffer + n, sizeof buffer - n, "%c%02ld:%02ld", offset < 0 ? '-' : '+',
                  std::labs(offset) / 60, std::labs(offset) % 60);
    return buffer;
}

std::string now_utc_iso8601() {
    return iso8601_ms(now_ms());
}

std::string time_bound(std::string_view text, std::string_view field, bool end, int64_t now) {
    int64_t start = 0, span = 1;
    if (!ago(text, now, start) && !day_word(text, now, start, span) && !iso(text, start, span))
        fail(ErrorKind::invalid_input,
             std::string(field) +
                 " must be an ISO 8601 date or time (2026-11-26, "
                 "2026-11-26T09:30:00Z), a time ago (30m, 2h, 7d), today or yesterday, not " +
                 validate::quote(text));
    if (start < 0 || start >= 253402300800000) // 1970 to 9999
        fail(ErrorKind::invalid_input,
             std::string(field) + " is out of range: " + validate::quote(text));
    return iso8601_ms(end ? start + span - 1 : start);
}

} // namespace chatctl
