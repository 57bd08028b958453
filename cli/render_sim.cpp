#include "render_sim.hpp"

#include "core/csv/csv.hpp"
#include "output.hpp"
#include "render.hpp"

#include <cmath>
#include <cstdio>

namespace chatctl::cli {

namespace {

enum class Unit { number, share, seconds };

struct Row {
    const char* field;
    const char* label;
    Unit unit;
};

const Row kRows[] = {
    {"offered_load", "offered load (Erlangs)", Unit::number},
    {"wait_probability", "P(wait)", Unit::share},
    {"asa_seconds", "ASA, answered (s)", Unit::seconds},
    {"mean_wait_seconds", "mean wait, all arrivals (s)", Unit::seconds},
    {"service_level", "service level", Unit::share},
    {"abandonment", "abandonment", Unit::share},
    {"slot_utilisation", "slot utilisation", Unit::share},
    {"agent_busy_share", "agents with a chat", Unit::share},
    {"mean_concurrency", "chats held, agents with any", Unit::number},
};

// The rows a profile's figures give over the chats its agents answered.
bool over_answered(const Row& row) {
    std::string_view f = row.field;
    return f == "wait_probability" || f == "asa_seconds" || f == "service_level";
}

std::string number(double v, Unit unit) {
    char buffer[64];
    if (unit == Unit::share)
        std::snprintf(buffer, sizeof buffer, "%.2f%%", v * 100);
    else
        std::snprintf(buffer, sizeof buffer, "%.2f", v);
    return buffer;
}

std::string cell_of(const Json& f, Unit unit) {
    if (f.is_null()) return "-";
    std::string out = number(f["value"].get<double>(), unit);
    if (f["low"].is_number()) {
        double half = (f["high"].get<double>() - f["low"].get<double>()) / 2;
        out += " ±" + number(half, unit);
    }
    return out;
}

std::string scenario_table(const Json& s, const Json& doc, bool color) {
    std::string out = s["scenario"].get<std::string>() + ": ";
    if (s["stable"] == false) return out + "unstable: " + s["reason"].get<std::string>() + "\n";
    out += s["method"] == "exact"
               ? "exact (birth-death chain); agents with a chat and chats held simulated"
               : "simulated";
    out += "\n";
    const bool profiles = s["figures"].size() > 1;
    std::vector<std::vector<std::string>> table{{"FIGURE"}};
    for (const auto& f : s["figures"])
        table[0].push_back(f["scope"] == "tenant" ? "TENANT" : f["scope"].get<std::string>());
    table.push_back({"agents"});
    table.push_back({"slots"});
    for (const auto& f : s["figures"]) {
        table[1].push_back(std::to_string(f["agents"].get<int>()));
        table[2].push_back(std::to_string(f["slots"].get<int>()));
    }
    for (const auto& row : kRows) {
        std::string label = row.label;
        if (std::string(row.field) == "service_level")
            label += " (" +
                     duration_text(
                         doc["target"].is_null() ? 20 : doc["target"]["seconds"].get<double>()) +
                     ")";
        if (profiles && over_answered(row)) label += " *";
        table.push_back({label});
        for (const auto& f : s["figures"])
            table.back().push_back(cell_of(f[row.field], row.unit));
    }
    out += render_table(std::move(table), color);
    if (profiles)
        out += "* a profile's: over the chats its agents answered; the tenant's: over all "
               "arrivals\n";
    if (const Json& a = s["approximation"]; !a.is_null())
        out += std::string(a["method"] == "chain"
                               ? "Chain approximation (chats placed as the routing places them, "
                                 "holds taken as exponential)"
                           : a["method"] == "erlang_a"
                               ? "Erlang A approximation (hold time taken as exponential)"
                               : "Erlang C approximation (hold time taken as exponential)") +
               ": P(wait) " + number(a["wait_probability"], Unit::share) + ", ASA " +
               number(a["asa_seconds"], Unit::seconds) + " s, service level " +
               number(a["service_level"], Unit::share) + ", slot utilisation " +
               number(a["slot_utilisation"], Unit::share) + "\n";
    if (!s["meets_target"].is_null())
        out += std::string("target: ") + (s["meets_target"].get<bool>() ? "met" : "not met") + "\n";
    return out;
}

std::string table(const Json& doc, bool color) {
    const Json& load = doc["load"];
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", load["arrivals_per_hour"].get<double>());
    std::string out = (doc["tenant"].is_null() ? std::string("A pool")
                                               : "Tenant " + doc["tenant"].get<std::string>()) +
                      ": " + rate + " chats/h, talk " + duration_text(load["talk_seconds"]) + " (" +
                      load["talk_distribution"].get<std::string>() + ")";
    if (!load["patience_seconds"].is_null())
        out += ", patience " + duration_text(load["patience_seconds"]);
    if (!doc["target"].is_null())
        out += ", target " + number(doc["target"]["share"], Unit::share) + " answered within " +
               duration_text(doc["target"]["seconds"]);
    const Json& run = doc["run"];
    out += "\n" + std::to_string(run["replications"].get<int>()) + " runs of " +
           duration_text(run["duration_seconds"]) + " after " +
           duration_text(run["warmup_seconds"]) + " warm-up, seed " +
           std::to_string(run["seed"].get<uint64_t>()) +
           "; ± is half the 95% confidence interval\n";
    for (const auto& s : doc["scenarios"])
        out += "\n" + scenario_table(s, doc, color);
    if (const Json& solved = doc["solved"]; !solved.is_null()) {
        int agents = solved["figures"][0]["agents"];
        out += "\nThe fewest agents that meet the target";
        if (!solved["max_occupancy"].is_null())
            out += " with slot utilisation at most " + number(solved["max_occupancy"], Unit::share);
        if (solved["confidence"] == true) out += ", by the lower end of the 95% interval";
        out += ": " + std::to_string(agents) +
               (solved["borderline"] == true ? " (borderline)" : "") + "\n" +
               scenario_table(solved, doc, color);
        if (const Json& less = solved["one_fewer"]; !less.is_null()) {
            out += "With one agent fewer (" + std::to_string(agents - 1) + "): ";
            if (less["stable"] == false) {
                out += "unstable\n";
            } else {
                const Json& t = less["figures"][0];
                out += "service level " + cell_of(t["service_level"], Unit::share) + ", ASA " +
                       cell_of(t["asa_seconds"], Unit::seconds) + " s, slot utilisation " +
                       cell_of(t["slot_utilisation"], Unit::share) + "\n";
            }
        }
    }
    return out;
}

std::string csv_rows(const Json& doc) {
    std::string out;
    csv::write_row(out, {"scenario", "scope", "figure", "value", "low", "high", "method"});
    auto number_text = [](const Json& v) { return v.is_null() ? std::string() : v.dump(); };
    auto rows_of = [&](const Json& s) {
        const std::string name = s["scenario"];
        for (const auto& f : s["figures"]) {
            const std::string scope = f["scope"];
            for (const char* given : {"agents", "slots"})
                csv::write_row(out, {name, scope, given, f[given].dump(), "", "", "given"});
            for (const auto& row : kRows) {
                const Json& v = f[row.field];
                if (v.is_null()) continue;
                csv::write_row(out, {name, scope, row.field, v["value"].dump(),
                                     number_text(v["low"]), number_text(v["high"]), v["method"]});
            }
        }
        if (const Json& a = s["approximation"]; !a.is_null())
            for (auto it = a.begin(); it != a.end(); ++it)
                if (it.key() != "method")
                    csv::write_row(
                        out, {name, "tenant", it.key(), it.value().dump(), "", "", a["method"]});
    };
    for (const auto& s : doc["scenarios"])
        rows_of(s);
    if (const Json& solved = doc["solved"]; !solved.is_null()) {
        rows_of(solved);
        if (!solved["one_fewer"].is_null()) {
            Json less = solved["one_fewer"];
            less["scenario"] = "solved-1";
            rows_of(less);
        }
    }
    return out;
}

} // namespace

std::string duration_text(double seconds) {
    auto s = static_cast<long>(std::lround(seconds));
    if (s % 3600 == 0 && s > 0) return std::to_string(s / 3600) + "h";
    if (s % 60 == 0 && s > 0) return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

std::string figure_text(const Json& f, bool share) {
    return cell_of(f, share ? Unit::share : Unit::number);
}

void print_simulation(const Globals& g, const Json& result) {
    print_data(g, result, g.format() == Format::csv ? csv_rows(result) : table(result, g.color()));
}

std::string simulation_definitions() {
    return R"(
Figures (for the tenant, and for each profile over the chats its agents answered):
  offered load        arrivals x mean hold time (talk, then wrap-up), in Erlangs; for a
                      profile, the load its agents carried
  P(wait)             share of arrivals that found no free slot
  ASA                 mean wait of answered chats, 0 for those answered at once
  mean wait           mean wait of all arrivals, those who gave up until they left
  service level       share of all arrivals answered within the target time (a
                      profile: of the chats it answered)
  abandonment         share of arrivals that gave up (--patience)
  slot utilisation    time-average share of slots held, wrap-up included
  agents with a chat  time-average share of agents holding at least one chat
  chats held          mean chats an agent holds while it holds any (concurrency)
Exact (a birth-death chain: Erlang C, or Erlang A with --patience) when the talk time
is exponential and no profile has a wrap-up, whatever the max chats (and for one agent
whose chats slow with concurrency); simulated otherwise (--replications runs of
--duration after --warmup, each starting from a steady state drawn at random; ± is half
the 95% Student t confidence interval), with the chain's figure beside it as an
approximation. The same --seed gives the same figures; the scenarios of one run
(current, what-if, solved) see the same chats. A run is refused above --max-events
events (about three a chat), or when over a million chats would wait at once.
)";
}

} // namespace chatctl::cli
