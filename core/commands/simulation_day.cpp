#include "core/commands/simulation_day.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace chatctl::simulation {

namespace {

std::string plain(double n) {
    return printed("%.12g", n);
}

// Agents scheduled so that `agents` take chats: a share `shrinkage` of paid time goes
// elsewhere. 7 / 0.7 is 10, not 10.000000000000002 rounded up to 11.
int scheduled(int agents, double shrinkage) {
    return static_cast<int>(std::ceil(agents / (1 - shrinkage) - 1e-9));
}

} // namespace

void check_day_work(const Request& request, const ArrivalsProfile& profile) {
    // No agent: the work counts the chats alone, and no chain is solved to count it.
    std::vector<sim::Pool> pools = request.scenarios.back().pools;
    for (auto& p : pools)
        p.agents = 0;
    double events = 0;
    for (const auto& interval : profile.intervals) {
        if (interval.arrivals <= 0) continue;
        sim::Load load = request.load;
        load.arrivals_per_second = interval.arrivals / profile.interval_seconds;
        events += sim::work_of(sim::Scenario{"", pools}, load, request.run).events *
                  solve_evaluations(pools, load);
    }
    check_events(request, events, "sizing the day");
}

Outcome size_day(const Request& request, const ArrivalsProfile& profile,
                 std::optional<double> shrinkage, const std::function<void()>& on_interval) {
    const sim::Target target = request.target.value_or(sim::Target{});
    const std::vector<sim::Pool>& pools = request.scenarios.back().pools;
    const int minutes = profile.interval_seconds / 60;
    const double hours = profile.interval_seconds / 3600.0;
    Outcome outcome;
    Json intervals = Json::array();
    double chats = 0, agent_hours = 0, scheduled_hours = 0;
    int peak = 0, peak_scheduled = 0;
    std::vector<std::string> borderline, slow;
    for (const auto& interval : profile.intervals) {
        const std::string start = clock_text(interval.start_minute);
        Json row{{"start", start},
                 {"end", clock_text(interval.start_minute + minutes)},
                 {"arrivals", interval.arrivals},
                 {"arrivals_per_hour", interval.arrivals / hours},
                 {"agents", 0},
                 {"scheduled", nullptr},
                 {"method", nullptr},
                 {"service_level", nullptr},
                 {"asa_seconds", nullptr},
                 {"occupancy", nullptr},
                 {"borderline", false},
                 {"profiles", Json::array()}};
        int agents = 0;
        if (interval.arrivals > 0) {
            sim::Load load = request.load;
            load.arrivals_per_second = interval.arrivals / profile.interval_seconds;
            std::optional<sim::Solved> solved;
            try {
                solved = sim::solve(sim::Scenario{start, pools}, load, target, request.run,
                                    request.solve_options);
            } catch (const sim::Unstable& e) {
                fail(ErrorKind::invalid_input, "the interval from " + start + " (" +
                                                   plain(interval.arrivals) +
                                                   " chats): " + e.what());
            }
            const sim::Result& answer = solved->answer;
            const sim::Measures& m = answer.measures.at(0);
            agents = m.agents;
            row["method"] = answer.exact ? "exact" : "simulated";
            row["service_level"] = figure_json(m.service_level);
            row["asa_seconds"] = figure_json(m.asa_seconds);
            row["occupancy"] = figure_json(m.slot_utilisation);
            row["borderline"] = solved->borderline;
            for (const auto& p : answer.scenario.pools)
                row["profiles"].push_back(Json{{"profile", p.profile}, {"agents", p.agents}});
            if (solved->borderline) borderline.push_back(start);
            if (answer.slow_to_settle) slow.push_back(start);
        }
        row["agents"] = agents;
        chats += interval.arrivals;
        agent_hours += agents * hours;
        peak = std::max(peak, agents);
        if (shrinkage) {
            int fte = scheduled(agents, *shrinkage);
            row["scheduled"] = fte;
            scheduled_hours += fte * hours;
            peak_scheduled = std::max(peak_scheduled, fte);
        }
        intervals.push_back(std::move(row));
        if (on_interval) on_interval();
    }
    // The intervals named by their starts: the first few, then how many more.
    auto listed = [](const std::vector<std::string>& starts) {
        constexpr size_t kNamed = 6;
        std::string out;
        for (size_t i = 0; i < starts.size() && i < kNamed; ++i)
            out += (out.empty() ? "" : ", ") + starts[i];
        if (starts.size() > kNamed)
            out += " and " + std::to_string(starts.size() - kNamed) + " more";
        return out;
    };
    if (!borderline.empty())
        outcome.warnings.push_back(
            "the answer is borderline for the intervals from " + listed(borderline) +
            ": the point estimate and the end of its 95% interval disagree on the agents "
            "(another seed may answer otherwise" +
            (request.solve_options.confidence ? ")" : "; --solve-confidence asks for the bound)"));
    if (!slow.empty())
        outcome.warnings.push_back("the intervals from " + listed(slow) +
                                   ": over 97% of the slots held and nobody gives up: the "
                                   "figures settle slowly");

    Json doc{{"tenant", request.tenant.empty() ? Json(nullptr) : Json(request.tenant)},
             {"arrivals_profile", profile.file},
             {"interval_seconds", profile.interval_seconds}};
    doc["load"] = load_json(request.load);
    doc["target"] = Json{{"share", target.share}, {"seconds", target.seconds}};
    doc["run"] = run_json(request.run);
    const auto& o = request.solve_options;
    doc["solve"] =
        Json{{"confidence", o.confidence},
             {"max_occupancy", o.max_occupancy ? Json(*o.max_occupancy) : Json(nullptr)}};
    Json sized = Json::array();
    for (const auto& p : pools) {
        Json talk = Json(nullptr);
        if (!p.talk_by_concurrency.empty()) talk = p.talk_by_concurrency;
        sized.push_back(Json{{"profile", p.profile},
                             {"agents_now", p.agents},
                             {"max_concurrent_chats", p.max_chats},
                             {"wrap_up_seconds", p.wrap_up_seconds},
                             {"talk_by_concurrency", std::move(talk)}});
    }
    doc["profiles"] = std::move(sized);
    doc["shrinkage"] = shrinkage ? Json(*shrinkage) : Json(nullptr);
    doc["intervals"] = std::move(intervals);
    doc["totals"] = Json{{"intervals", profile.intervals.size()},
                         {"arrivals", chats},
                         {"agent_hours", agent_hours},
                         {"peak_agents", peak},
                         {"scheduled_hours", shrinkage ? Json(scheduled_hours) : Json(nullptr)},
                         {"peak_scheduled", shrinkage ? Json(peak_scheduled) : Json(nullptr)}};
    outcome.doc = std::move(doc);
    return outcome;
}

Json solve_curve(const Request& request, int answer, int span) {
    const sim::Target target = request.target.value_or(sim::Target{});
    const std::vector<sim::Pool>& pools = request.scenarios.back().pools;
    Json points = Json::array();
    for (int n = std::max(1, answer - span); n <= answer + span; ++n) {
        sim::Scenario s{std::to_string(n) + " agents", sim::staffed(pools, n)};
        std::optional<sim::Result> r;
        try {
            r = sim::evaluate_or_unstable(s, request.load, target, request.run);
        } catch (const sim::Unstable&) {
            continue; // no slot at all
        }
        if (!r->stable || r->measures.empty()) continue;
        const sim::Measures& m = r->measures[0];
        Json profiles = Json::array();
        for (const auto& p : s.pools)
            profiles.push_back(Json{{"profile", p.profile}, {"agents", p.agents}});
        points.push_back(Json{{"agents", n},
                              {"profiles", std::move(profiles)},
                              {"service_level", figure_json(m.service_level)},
                              {"asa_seconds", figure_json(m.asa_seconds)},
                              {"slot_utilisation", figure_json(m.slot_utilisation)}});
    }
    return points;
}

void check_work_with_curve(const Request& request, int span) {
    Request with = request;
    if (request.solve && !request.scenarios.empty())
        for (int i = 0; i <= 2 * span; ++i) // the points: as many runs of the last pools
            with.scenarios.push_back(request.scenarios.back());
    check_work(with);
}

} // namespace chatctl::simulation
