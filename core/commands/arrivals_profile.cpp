#include "core/commands/arrivals_profile.hpp"

#include "core/commands/simulation.hpp"
#include "core/csv/csv.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <tuple>

namespace chatctl::simulation {

namespace {

using validate::quote;

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// A number plainly written, 0 or more: "120", "12.5".
std::optional<double> amount(std::string_view text) {
    if (text.empty() || text.size() > 15 || text.front() == '.' || text.back() == '.')
        return std::nullopt;
    if (std::count(text.begin(), text.end(), '.') > 1) return std::nullopt;
    for (char c : text)
        if (c != '.' && !std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    return std::strtod(std::string(text).c_str(), nullptr);
}

// "08:30" (or "8:30"): minutes into the day.
std::optional<int> time_of_day(std::string_view text) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3)
        return std::nullopt;
    for (size_t i = 0; i < text.size(); ++i)
        if (i != colon && !std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    int hours = std::atoi(std::string(text.substr(0, colon)).c_str());
    int minutes = std::atoi(std::string(text.substr(colon + 1)).c_str());
    if (hours > 23 || minutes > 59) return std::nullopt;
    return hours * 60 + minutes;
}

std::string number_text(double n) {
    char text[32];
    std::snprintf(text, sizeof text, "%.12g", n);
    return text;
}

class ProfileReader {
  public:
    ProfileReader(const Source& source, std::optional<int> interval)
        : source_(source), interval_(interval) {}

    ArrivalsProfile read() {
        auto fault = csv::read(source_.name, source_.input, [&](csv::Record& r) { record(r); });
        if (fault) problems_.push_back(*fault);
        if (!fault && !header_)
            problem({}, "is empty: a header start,arrivals is needed");
        else if (!fault && rows_ == 0 && problems_.empty())
            problem({}, "has no interval: a row START,ARRIVALS is needed");
        if (problems_.empty()) intervals();
        if (!problems_.empty()) {
            std::stable_sort(problems_.begin(), problems_.end(), [](auto& a, auto& b) {
                return std::tie(a.line, a.column) < std::tie(b.line, b.column);
            });
            fail_with(ErrorKind::invalid_input, std::move(problems_));
        }
        return std::move(out_);
    }

  private:
    void problem(Position at, std::string message) {
        problems_.push_back(Diagnostic{source_.name, at.line, at.column, std::move(message)});
    }

    void record(csv::Record& r) {
        auto& f = r.fields;
        if (!header_) {
            header_ = true;
            auto is = [&](size_t i, const char* name) {
                std::string text(trimmed(f[i].text));
                std::transform(text.begin(), text.end(), text.begin(),
                               [](unsigned char c) { return std::tolower(c); });
                return text == name;
            };
            if (f.size() != 2 || !is(0, "start") || !is(1, "arrivals"))
                problem(r.at, "the header must be start,arrivals");
            return;
        }
        if (++rows_ > kMaxIntervals) {
            if (rows_ == kMaxIntervals + 1)
                problem(r.at, "more than " + std::to_string(kMaxIntervals) +
                                  " intervals: a day has at most one a minute");
            return;
        }
        if (f.size() != 2) {
            problem(r.at, "a row is START,ARRIVALS (08:30,120): 2 fields, not " +
                              std::to_string(f.size()));
            return;
        }
        std::optional<int> start = time_of_day(trimmed(f[0].text));
        std::optional<double> arrivals = amount(trimmed(f[1].text));
        if (!start)
            problem(f[0].at, "start must be a time of day HH:MM (08:30), not " + quote(f[0].text));
        if (!arrivals)
            problem(f[1].at, "arrivals must be a number of chats, 0 or more (120, 12.5), not " +
                                 quote(f[1].text));
        if (start && arrivals) {
            out_.intervals.push_back(Interval{*start, *arrivals});
            at_.push_back(f[0].at);
            arrivals_at_.push_back(f[1].at);
        }
    }

    // The interval's length from the starts, and the rows checked against it.
    void intervals() {
        const auto& v = out_.intervals;
        if (v.size() == 1 && !interval_)
            fail(ErrorKind::usage, source_.name +
                                       " has one interval, whose length no later start tells: give "
                                       "--interval (30m)");
        int length = interval_ ? *interval_ / 60 : v[1].start_minute - v[0].start_minute;
        for (size_t i = 1; i < v.size(); ++i) {
            int gap = v[i].start_minute - v[i - 1].start_minute;
            const std::string says = "start " + clock_text(v[i].start_minute) + " is ";
            if (gap <= 0)
                problem(at_[i], says + "not after " + clock_text(v[i - 1].start_minute) +
                                    ", the start before: rows go in increasing order");
            else if (gap != length && interval_)
                problem(at_[i], says + std::to_string(gap) + " minutes after " +
                                    clock_text(v[i - 1].start_minute) + ", not the " +
                                    std::to_string(length) + " of --interval");
            else if (gap != length && length > 0)
                problem(at_[i], says + std::to_string(gap) + " minutes after " +
                                    clock_text(v[i - 1].start_minute) + "; the first interval is " +
                                    std::to_string(length) +
                                    " minutes, and every interval is one length");
        }
        if (!problems_.empty()) return;
        if (v.back().start_minute + length > 24 * 60)
            problem(at_.back(), "the last interval, from " + clock_text(v.back().start_minute) +
                                    ", would end past 24:00 (" + std::to_string(length) +
                                    " minutes long)");
        out_.interval_seconds = length * 60;
        for (size_t i = 0; i < v.size(); ++i)
            if (v[i].arrivals / out_.interval_seconds > 1000)
                problem(arrivals_at_[i], "arrivals of " + number_text(v[i].arrivals) + " in " +
                                             std::to_string(length) +
                                             " minutes are more than 1000 chats a second");
        out_.file = source_.name;
    }

    const Source& source_;
    std::optional<int> interval_;
    ArrivalsProfile out_;
    std::vector<Position> at_, arrivals_at_; // of each interval's start and arrivals
    std::vector<Diagnostic> problems_;
    bool header_ = false;
    size_t rows_ = 0;
};

} // namespace

std::string clock_text(int minute) {
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d", minute / 60, minute % 60);
    return text;
}

int parse_interval(std::string_view text, std::string_view field) {
    int seconds = validate::parse_duration(text, field, 60, 86400);
    if (seconds % 60 != 0)
        fail(ErrorKind::invalid_input,
             std::string(field) + " must be whole minutes (15m, 30m, 1h), not " + quote(text));
    return seconds;
}

double parse_shrinkage(std::string_view text, std::string_view field) {
    std::string_view number = text;
    if (!number.empty() && number.back() == '%') number.remove_suffix(1);
    std::optional<double> v = amount(number);
    if (!v || *v >= 100)
        fail(ErrorKind::invalid_input, std::string(field) +
                                           " must be a percentage from 0 up to (not) 100 (30, "
                                           "30%, 12.5), not " +
                                           quote(text));
    return *v / 100;
}

ArrivalsProfile read_arrivals_profile(const Source& source, std::optional<int> interval_seconds) {
    return ProfileReader(source, interval_seconds).read();
}
} // namespace chatctl::simulation
