// The values simulate's options take: rates, targets, talk shapes and
// talk-by-concurrency curves, each refused with what it must be.
#include "core/commands/simulation.hpp"
#include "core/error.hpp"
#include "core/model.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace chatctl::simulation {

namespace {

using validate::quote;

[[noreturn]] void bad_value(std::string_view field, const std::string& message) {
    fail(ErrorKind::invalid_input, std::string(field) + " " + message);
}

// A positive decimal number, plainly written ("2", "2.5").
std::optional<double> decimal(std::string_view text) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    bool dot = false;
    for (char c : text) {
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
    if (text.front() == '.' || text.back() == '.') return std::nullopt;
    return std::strtod(std::string(text).c_str(), nullptr);
}

std::optional<double> per_unit(std::string_view unit) {
    for (auto [names, seconds] : {std::pair{"s sec second", 1}, std::pair{"m min minute", 60},
                                  std::pair{"h hour", 3600}, std::pair{"d day", 86400}}) {
        std::string_view all = names;
        for (size_t at = 0; at <= all.size();) {
            size_t end = std::min(all.find(' ', at), all.size());
            if (all.substr(at, end - at) == unit) return seconds;
            at = end + 1;
        }
    }
    return std::nullopt;
}

} // namespace

std::pair<std::string, std::vector<double>> parse_curve(std::string_view text,
                                                        std::string_view field) {
    // [PROFILE:]1:4m,2:4m40s,3:5m30s
    std::string profile;
    std::string_view rest = text;
    if (rest.rfind("1:", 0) != 0) {
        size_t at = rest.find(":1:");
        if (at == std::string_view::npos || at == 0)
            bad_value(field, "must be 1:DURATION,2:DURATION,... or PROFILE:1:DURATION,..., not " +
                                 quote(text));
        profile = std::string(rest.substr(0, at));
        rest = rest.substr(at + 1);
    }
    std::vector<double> seconds;
    for (size_t at = 0; at <= rest.size();) {
        size_t end = std::min(rest.find(',', at), rest.size());
        std::string_view item = rest.substr(at, end - at);
        size_t colon = item.find(':');
        std::string k = std::to_string(seconds.size() + 1);
        if (colon == std::string_view::npos || item.substr(0, colon) != k)
            bad_value(field, "counts chats held from 1 up, one step at a time (" + k +
                                 ":DURATION next), in " + quote(text));
        seconds.push_back(validate::parse_duration(item.substr(colon + 1), field, 1, 86400));
        if (seconds.size() > static_cast<size_t>(validate::kMaxChatsMax))
            bad_value(field, "has more steps than the most chats an agent takes (" +
                                 std::to_string(validate::kMaxChatsMax) + ")");
        at = end + 1;
    }
    return {profile, seconds};
}

double parse_rate(std::string_view text, std::string_view field) {
    // N/UNIT or N/KUNIT: "150/h", "2.5/min", "14400/day", "100/30m".
    size_t slash = text.find('/');
    std::optional<double> n = decimal(text.substr(0, slash));
    std::string_view per = slash == std::string_view::npos ? "" : text.substr(slash + 1);
    size_t digits = per.find_first_not_of("0123456789.");
    std::optional<double> times = digits == 0 ? std::optional(1.0) : decimal(per.substr(0, digits));
    std::optional<double> unit =
        digits == std::string_view::npos ? std::nullopt : per_unit(per.substr(digits));
    if (!n || !times || !unit || *times <= 0)
        bad_value(field, "must be a number of chats per time (150/h, 2.5/min, 14400/day, "
                         "100/30m), not " +
                             quote(text));
    double rate = *n / (*times * *unit);
    if (rate <= 0 || rate > 1000)
        bad_value(field, "must be above 0 and at most 1000 chats a second, not " + quote(text));
    return rate;
}

sim::Target parse_target(std::string_view text, std::string_view field) {
    size_t slash = text.find('/');
    std::string_view share = text.substr(0, slash);
    if (!share.empty() && share.back() == '%') share.remove_suffix(1); // 80%/20s
    std::optional<double> pct = decimal(share);
    if (slash == std::string_view::npos || !pct || *pct <= 0 || *pct > 100)
        bad_value(field, "must be PERCENT/SECONDS, as 80/20s, not " + quote(text));
    return sim::Target{*pct / 100, static_cast<double>(validate::parse_duration(
                                       text.substr(slash + 1), field, 0, 86400))};
}

void parse_talk_shape(std::string_view given, std::string_view field, sim::Load& load) {
    const std::string text = fold(std::string(given)); // Fixed as fixed
    if (text == "exp" || text == "exponential") {
        load.talk_shape = sim::TalkShape::exponential;
    } else if (text == "fixed") {
        load.talk_shape = sim::TalkShape::fixed;
    } else if (text.rfind("lognormal:", 0) == 0) {
        std::optional<double> cv = decimal(text.substr(10));
        if (!cv || *cv <= 0 || *cv > 10)
            bad_value(field, "lognormal needs a coefficient of variation above 0 and at most 10 "
                             "(lognormal:0.8), not " +
                                 quote(text));
        load.talk_shape = sim::TalkShape::lognormal;
        load.talk_cv = *cv;
    } else {
        bad_value(field, "must be exp, fixed or lognormal:CV, not " + quote(text));
    }
}

} // namespace chatctl::simulation
