#include "plot_svg.hpp"

#include "core/commands/simulation.hpp"
#include "render_sim.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <tuple>
#include <vector>

namespace chatctl::cli::svg {

namespace {

constexpr double kWidth = 800;
constexpr double kLeft = 72, kTop = 64, kBottom = 372; // the plotting area's edges
constexpr const char* kBlue = "#1f77b4";
constexpr const char* kOrange = "#e6730f";
constexpr const char* kRed = "#d62728";
constexpr const char* kGreen = "#2ca02c";
constexpr const char* kGrey = "#555555";

std::string num(double v) {
    return simulation::printed("%.1f", v);
}

// A label: whole numbers as such, else six significant digits at most.
std::string label(double v) {
    return simulation::printed(std::fabs(v - std::round(v)) < 1e-9 ? "%.0f" : "%.6g", v);
}

std::string percent(double share) {
    return simulation::printed("%g%%", std::round(share * 1000) / 10);
}

// How agents are split among the profiles, where there is more than one: " (Default 8,
// Experts 4)".
std::string split(const Json& profiles) {
    if (!profiles.is_array() || profiles.size() < 2) return "";
    std::string out;
    for (const auto& p : profiles)
        out += (out.empty() ? " (" : ", ") + p["profile"].get<std::string>() + " " +
               std::to_string(p["agents"].get<int>());
    return out + ")";
}

// Values [lo, hi] drawn from `from` to `to` (pixels; y goes up the page).
struct Axis {
    double lo, hi, from, to;
    double at(double v) const { return from + (v - lo) * (to - from) / (hi - lo); }
};

// A step of 1, 2 or 5 times a power of ten giving at most `most` steps over `span`.
double nice_step(double span, int most) {
    double raw = span / most, power = std::pow(10, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * power >= raw - 1e-12) return m * power;
    return 10 * power;
}

// The top of an axis from 0 that holds v: a whole number of nice steps.
double nice_top(double v, int most) {
    if (v <= 0) return 1;
    double step = nice_step(v, most);
    return std::ceil(v / step - 1e-9) * step;
}

std::string text(double x, double y, std::string_view s, const std::string& attributes = "") {
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"" +
           (attributes.empty() ? "" : " " + attributes) + ">" + xml_text(s) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& attributes) {
    return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
           num(y2) + "\" " + attributes + "/>\n";
}

std::string open(const std::string& title, const std::string& subtitle) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"450\" "
           "viewBox=\"0 0 800 450\" font-family=\"DejaVu Sans, Arial, sans-serif\" "
           "font-size=\"12\">\n<title>" +
           xml_text(title) + "</title>\n<rect width=\"800\" height=\"450\" fill=\"#ffffff\"/>\n" +
           text(kWidth / 2, 26, title,
                "id=\"title\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\"") +
           text(kWidth / 2, 46, subtitle, "text-anchor=\"middle\" fill=\"#444444\"");
}

// A horizontal axis's ticks and grid, and the left one's, with their titles.
std::string frame(const Axis& x, const Axis& y,
                  const std::vector<std::pair<double, std::string>>& xs,
                  const std::vector<std::pair<double, std::string>>& ys, const std::string& x_title,
                  const std::string& y_title) {
    std::string out = "<g id=\"axes\" stroke-width=\"1\">\n";
    for (const auto& [v, name] : ys) {
        out += line(x.from, y.at(v), x.to, y.at(v), "stroke=\"#e4e4e4\"");
        out += line(x.from - 5, y.at(v), x.from, y.at(v), "stroke=\"#333333\"");
        out += text(x.from - 8, y.at(v) + 4, name, "text-anchor=\"end\"");
    }
    for (const auto& [v, name] : xs) {
        out += line(x.at(v), y.from, x.at(v), y.from + 5, "stroke=\"#333333\"");
        out += text(x.at(v), y.from + 19, name, "text-anchor=\"middle\"");
    }
    out += line(x.from, y.from, x.to, y.from, "stroke=\"#333333\"");
    out += line(x.from, y.from, x.from, y.to, "stroke=\"#333333\"");
    out += text((x.from + x.to) / 2, y.from + 40, x_title, "text-anchor=\"middle\"");
    const double middle = (y.from + y.to) / 2;
    out += text(20, middle, y_title,
                "text-anchor=\"middle\" transform=\"rotate(-90 20 " + num(middle) + ")\"");
    return out + "</g>\n";
}

enum class Mark { dot, square, dashed, dotted, bar, step };

// The legend, one line under the picture.
std::string legend(const std::vector<std::tuple<Mark, const char*, std::string>>& entries) {
    std::string out = "<g id=\"legend\">\n";
    double x = kLeft;
    const double y = 436;
    for (const auto& [mark, colour, name] : entries) {
        const std::string c = colour;
        switch (mark) {
        case Mark::dot:
            out += "<circle cx=\"" + num(x + 11) + "\" cy=\"" + num(y) + "\" r=\"4.5\" fill=\"" +
                   c + "\"/>\n";
            break;
        case Mark::square:
            out += "<rect x=\"" + num(x + 7.5) + "\" y=\"" + num(y - 3.5) +
                   "\" width=\"7\" height=\"7\" fill=\"" + c + "\"/>\n";
            break;
        case Mark::bar:
            out += "<rect x=\"" + num(x + 4) + "\" y=\"" + num(y - 6) +
                   "\" width=\"14\" height=\"12\" fill=\"" + c + "\"/>\n";
            break;
        case Mark::dashed:
        case Mark::dotted:
        case Mark::step:
            out += line(x, y, x + 22, y,
                        "stroke=\"" + c + "\" stroke-width=\"2\"" +
                            (mark == Mark::dashed   ? " stroke-dasharray=\"6 4\""
                             : mark == Mark::dotted ? " stroke-dasharray=\"2 3\""
                                                    : ""));
            break;
        }
        out += text(x + 28, y + 4, name);
        x += 44 + 6.6 * static_cast<double>(name.size());
    }
    return out + "</g>\n";
}

} // namespace

std::string xml_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string solve(const Json& doc, const Json& points) {
    const int answer = doc["solved"]["figures"][0]["agents"];
    const double share = doc["target"]["share"], seconds = doc["target"]["seconds"];
    int lo = answer, hi = answer;
    double asa_most = 0;
    for (const auto& p : points) {
        lo = std::min(lo, p["agents"].get<int>());
        hi = std::max(hi, p["agents"].get<int>());
        const Json& asa = p["asa_seconds"];
        asa_most = std::max(asa_most, asa["high"].is_number() ? asa["high"].get<double>()
                                                              : asa["value"].get<double>());
    }
    const double right = kWidth - 80;
    const Axis x{lo - 0.5, hi + 0.5, kLeft, right};
    const Axis sl{0, 1, kBottom, kTop};
    const Axis asa{0, nice_top(asa_most, 5), kBottom, kTop};
    const Json& load = doc["load"];
    std::string who = doc["tenant"].is_null() ? std::string("A pool")
                                              : "Tenant " + doc["tenant"].get<std::string>();
    std::string out =
        open("Service level and ASA against agents",
             who + ": " + label(load["arrivals_per_hour"]) + " chats/h, talk " +
                 duration_text(load["talk_seconds"]) + "; target " + percent(share) + " within " +
                 duration_text(seconds) + "; fewest agents " + std::to_string(answer));
    std::vector<std::pair<double, std::string>> xs, ys, asa_ticks;
    const int every = static_cast<int>(std::ceil((hi - lo + 1) / 15.0));
    for (int n = lo; n <= hi; n += every)
        xs.emplace_back(n, std::to_string(n));
    for (int p = 0; p <= 100; p += 20)
        ys.emplace_back(p / 100.0, std::to_string(p) + "%");
    out += frame(x, sl, xs, ys, "agents", "service level (within " + duration_text(seconds) + ")");
    // The right axis: ASA.
    out += "<g id=\"asa-axis\" fill=\"" + std::string(kOrange) + "\">\n" +
           line(right, kBottom, right, kTop, "stroke=\"#333333\"");
    const double step = nice_step(asa.hi, 5);
    for (double v = 0; v <= asa.hi + 1e-9; v += step)
        out += line(right, asa.at(v), right + 5, asa.at(v), "stroke=\"#333333\"") +
               text(right + 8, asa.at(v) + 4, label(v));
    const double middle = (kTop + kBottom) / 2;
    out += text(kWidth - 16, middle, "ASA, answered chats (s)",
                "text-anchor=\"middle\" transform=\"rotate(90 " + num(kWidth - 16) + " " +
                    num(middle) + ")\"") +
           "</g>\n";
    // The target and the answer.
    out += line(x.from, sl.at(share), right, sl.at(share),
                "id=\"target\" stroke=\"" + std::string(kRed) +
                    "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
    out += text(right - 4, sl.at(share) - 6, "target " + percent(share),
                "text-anchor=\"end\" fill=\"" + std::string(kRed) + "\"");
    out += line(x.at(answer), kBottom, x.at(answer), kTop,
                "id=\"answer\" stroke=\"" + std::string(kGrey) +
                    "\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"");
    out += text(x.at(answer), kTop - 6, "fewest: " + std::to_string(answer),
                "text-anchor=\"middle\" font-weight=\"bold\" fill=\"" + std::string(kGrey) + "\"");
    // The two series: intervals where simulated, a line, a mark per point.
    std::string sl_line, asa_line, marks;
    for (const auto& p : points) {
        const int n = p["agents"];
        const std::string who = xml_text(std::to_string(n) + " agents" + split(p["profiles"]));
        const Json &s = p["service_level"], &a = p["asa_seconds"];
        const double px = x.at(n), sy = sl.at(s["value"].get<double>()),
                     ay = asa.at(a["value"].get<double>());
        sl_line += num(px) + "," + num(sy) + " ";
        asa_line += num(px) + "," + num(ay) + " ";
        for (auto [f, axis, colour] : {std::tuple{&s, &sl, kBlue}, std::tuple{&a, &asa, kOrange}})
            if ((*f)["low"].is_number())
                marks += line(px, axis->at((*f)["low"]), px, axis->at((*f)["high"]),
                              "class=\"interval\" stroke=\"" + std::string(colour) + "\"");
        marks += "<rect class=\"asa-point\" x=\"" + num(px - 3.5) + "\" y=\"" + num(ay - 3.5) +
                 "\" width=\"7\" height=\"7\" fill=\"" + kOrange + "\"><title>" + who + ": ASA " +
                 label(a["value"]) + " s</title></rect>\n";
        marks += "<circle class=\"service-level-point\" cx=\"" + num(px) + "\" cy=\"" + num(sy) +
                 "\" r=\"4.5\" fill=\"" + kBlue + "\"><title>" + who + ": service level " +
                 percent(s["value"]) + "</title></circle>\n";
    }
    out += "<polyline id=\"asa\" fill=\"none\" stroke=\"" + std::string(kOrange) +
           "\" stroke-width=\"2\" stroke-dasharray=\"5 3\" points=\"" + asa_line + "\"/>\n";
    out += "<polyline id=\"service-level\" fill=\"none\" stroke=\"" + std::string(kBlue) +
           "\" stroke-width=\"2.5\" points=\"" + sl_line + "\"/>\n" + marks;
    const bool simulated = doc["solved"]["method"] == "simulated";
    out += legend(
        {{Mark::dot, kBlue, simulated ? "service level (bars: 95% intervals)" : "service level"},
         {Mark::square, kOrange, "ASA (right axis)"},
         {Mark::dashed, kRed, "target"},
         {Mark::dotted, kGrey, "fewest agents"}});
    return out + "</svg>\n";
}

std::string day(const Json& doc) {
    const Json& rows = doc["intervals"];
    const int minutes = doc["interval_seconds"].get<int>() / 60;
    const Json& totals = doc["totals"];
    const bool shrinkage = !doc["shrinkage"].is_null();
    auto minute_of = [](const Json& clock) {
        const std::string t = clock;
        return std::atoi(t.substr(0, 2).c_str()) * 60 + std::atoi(t.substr(3).c_str());
    };
    const int first = minute_of(rows.front()["start"]);
    const int last = first + static_cast<int>(rows.size()) * minutes;
    double most = totals["peak_agents"];
    if (shrinkage) most = std::max(most, totals["peak_scheduled"].get<double>());
    const Axis x{static_cast<double>(first), static_cast<double>(last), kLeft, kWidth - 40};
    const Axis y{0, nice_top(std::max(most, 1.0), 6), kBottom, kTop};
    std::string who = doc["tenant"].is_null() ? std::string("A pool")
                                              : "Tenant " + doc["tenant"].get<std::string>();
    std::string subtitle = who + ": target " + percent(doc["target"]["share"]) + " within " +
                           duration_text(doc["target"]["seconds"]) + "; " +
                           label(totals["arrivals"]) + " chats; " + label(totals["agent_hours"]) +
                           " agent-hours";
    if (shrinkage)
        subtitle += ", " + label(totals["scheduled_hours"]) + " scheduled hours at " +
                    percent(doc["shrinkage"]) + " shrinkage";
    std::string out =
        open("Agents needed per " + duration_text(minutes * 60.0) + " interval", subtitle);
    std::vector<std::pair<double, std::string>> xs, ys;
    // Ticks at the starts of intervals: a nice step that is a whole number of intervals,
    // else the fewest intervals that give at most 12 ticks.
    int every = 0;
    for (int step : {15, 30, 60, 120, 180, 240, 360, 720, 1440})
        if (step % minutes == 0 && (last - first) / step <= 12) {
            every = step;
            break;
        }
    for (int k = 1; every == 0; ++k)
        if ((last - first) / (k * minutes) <= 12) every = k * minutes;
    const int from = 1440 % every == 0 ? (first + every - 1) / every * every : first;
    for (int m = from; m <= last; m += every) {
        char clock[32];
        std::snprintf(clock, sizeof clock, "%02d:%02d", m / 60, m % 60);
        xs.emplace_back(m, clock);
    }
    const double step = std::max(1.0, nice_step(y.hi, 6));
    for (double v = 0; v <= y.hi + 1e-9; v += step)
        ys.emplace_back(v, label(v));
    out += frame(x, y, xs, ys, "start of the interval", "agents");
    const double width = x.at(first + minutes) - x.at(first);
    std::string bars = "<g id=\"agents\" fill=\"" + std::string(kBlue) + "\">\n", steps;
    for (size_t i = 0; i < rows.size(); ++i) {
        const Json& r = rows[i];
        const int agents = r["agents"];
        const double left = x.at(first + static_cast<double>(i) * minutes);
        const double top = y.at(agents);
        bars += "<rect class=\"bar\" x=\"" + num(left + width * 0.1) + "\" y=\"" + num(top) +
                "\" width=\"" + num(std::max(1.0, width * 0.8)) + "\" height=\"" +
                num(kBottom - top) + "\"><title>" +
                xml_text(r["start"].get<std::string>() + "-" + r["end"].get<std::string>() + ": " +
                         std::to_string(agents) + " agents" + split(r["profiles"]) + ", " +
                         label(r["arrivals"]) + " chats") +
                "</title></rect>\n";
        if (width >= 18 && agents > 0)
            bars += text(left + width / 2, top - 4, std::to_string(agents),
                         "text-anchor=\"middle\" font-size=\"10\" fill=\"#222222\"");
        if (shrinkage) {
            const double s = y.at(r["scheduled"].get<int>());
            steps += (i == 0 ? "M" + num(left) + " " + num(s) : " V" + num(s)) + " H" +
                     num(left + width);
        }
    }
    out += bars + "</g>\n";
    if (shrinkage)
        out += "<path id=\"scheduled\" fill=\"none\" stroke=\"" + std::string(kGreen) +
               "\" stroke-width=\"2.5\" d=\"" + steps + "\"/>\n";
    std::vector<std::tuple<Mark, const char*, std::string>> entries{
        {Mark::bar, kBlue, "agents taking chats"}};
    if (shrinkage)
        entries.emplace_back(Mark::step, kGreen,
                             "agents scheduled (" + percent(doc["shrinkage"]) + " shrinkage)");
    return out + legend(entries) + "</svg>\n";
}

} // namespace chatctl::cli::svg
