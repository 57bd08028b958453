// A `simulate` run: the work bound checked before it, every scenario evaluated (and the
// fewest agents found, with --solve), and the figures as JSON.
#include "core/commands/simulation.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace chatctl::simulation {

namespace {

Json measures(const sim::Measures& m, bool tenant) {
    Json out{{"scope", m.scope}, {"agents", m.agents}, {"slots", m.slots}};
    // A profile without agents has no figures.
    auto add = [&](const char* name, const sim::Figure& f, bool applies = true) {
        out[name] = applies && m.agents > 0 ? figure_json(f) : Json(nullptr);
    };
    add("offered_load", m.offered_load);
    add("wait_probability", m.wait_probability);
    add("asa_seconds", m.asa_seconds);
    add("mean_wait_seconds", m.mean_wait_seconds, tenant);
    add("service_level", m.service_level);
    add("abandonment", m.abandonment, tenant);
    add("slot_utilisation", m.slot_utilisation);
    add("agent_busy_share", m.agent_busy_share);
    add("mean_concurrency", m.mean_concurrency);
    return out;
}

Json result(const sim::Result& r, const Request& request) {
    Json profiles = Json::array();
    for (const auto& p : r.scenario.pools) {
        Json talk = Json(nullptr);
        if (!p.talk_by_concurrency.empty()) talk = p.talk_by_concurrency;
        profiles.push_back(Json{{"profile", p.profile},
                                {"agents", p.agents},
                                {"max_concurrent_chats", p.max_chats},
                                {"wrap_up_seconds", p.wrap_up_seconds},
                                {"talk_by_concurrency", std::move(talk)}});
    }
    Json figures = Json::array();
    for (size_t i = 0; i < r.measures.size(); ++i)
        figures.push_back(measures(r.measures[i], i == 0));
    Json out{{"scenario", r.scenario.name},
             {"stable", r.stable},
             {"reason", r.stable ? Json(nullptr) : Json(r.reason)},
             {"method", !r.stable ? Json(nullptr) : Json(r.exact ? "exact" : "simulated")},
             {"profiles", std::move(profiles)},
             {"figures", std::move(figures)}};
    if (r.approximation) {
        const auto& a = *r.approximation;
        // Alike slots of one mean hold: Erlang's; else the chain of the profiles' own paces.
        bool alike = true;
        std::optional<int> wrap;
        for (const auto& p : r.scenario.pools)
            if (p.agents > 0) {
                alike =
                    alike && p.talk_by_concurrency.empty() && (!wrap || *wrap == p.wrap_up_seconds);
                wrap = p.wrap_up_seconds;
            }
        const char* method = !alike                          ? "chain"
                             : request.load.patience_seconds ? "erlang_a"
                                                             : "erlang_c";
        out["approximation"] = Json{{"method", method},
                                    {"offered_load", a.offered_load},
                                    {"wait_probability", a.wait_probability},
                                    {"asa_seconds", a.asa_seconds},
                                    {"mean_wait_seconds", a.mean_wait_seconds},
                                    {"service_level", a.service_level},
                                    {"abandonment", a.abandonment},
                                    {"slot_utilisation", a.slot_utilisation}};
    } else {
        out["approximation"] = nullptr;
    }
    out["meets_target"] = request.target ? Json(r.meets_target) : Json(nullptr);
    return out;
}

} // namespace

Json figure_json(const sim::Figure& f) {
    if (!f.known) return nullptr;
    Json out{{"value", f.value}};
    out["low"] = f.low ? Json(*f.low) : Json(nullptr);
    out["high"] = f.high ? Json(*f.high) : Json(nullptr);
    out["method"] = f.low ? "simulated" : "exact";
    return out;
}

std::string printed(const char* format, double v) {
    char text[64];
    std::snprintf(text, sizeof text, format, v);
    return text;
}

std::string count_text(double n) {
    return printed(n >= 1e6 ? "%.3g" : "%.0f", n);
}

// How many scenarios a solve evaluates by simulation, about: a doubling and a halving
// to its answer, then the answer and one agent fewer.
double solve_evaluations(const std::vector<sim::Pool>& pools, const sim::Load& load) {
    if (sim::exact_for(sim::staffed(pools, 2), load)) return 2;
    double slots_per_agent = 0, hold = load.talk_seconds;
    for (const auto& p : pools) {
        slots_per_agent = std::max(slots_per_agent, static_cast<double>(p.max_chats));
        hold = std::max(hold, load.talk_seconds + p.wrap_up_seconds);
    }
    double agents = std::max(1.0, load.arrivals_per_second * hold / slots_per_agent);
    return 2 * std::ceil(std::log2(agents + 1)) + 4;
}

const char* shape_name(sim::TalkShape shape) {
    switch (shape) {
    case sim::TalkShape::fixed:
        return "fixed";
    case sim::TalkShape::lognormal:
        return "lognormal";
    case sim::TalkShape::exponential:
        break;
    }
    return "exponential";
}

Json load_json(const sim::Load& l) {
    return Json{
        {"talk_seconds", l.talk_seconds},
        {"talk_distribution", shape_name(l.talk_shape)},
        {"talk_cv", l.talk_shape == sim::TalkShape::lognormal ? Json(l.talk_cv) : Json(nullptr)},
        {"patience_seconds", l.patience_seconds ? Json(*l.patience_seconds) : Json(nullptr)}};
}

Json run_json(const sim::RunOptions& run) {
    return Json{{"seed", run.seed},
                {"replications", run.replications},
                {"duration_seconds", run.duration_seconds},
                {"warmup_seconds", run.warmup_seconds}};
}

void check_work(const Request& request) {
    double events = 0;
    for (const auto& s : request.scenarios) {
        sim::Work w = sim::work_of(s, request.load, request.run);
        events += w.events;
        // With --solve such a scenario is reported unstable instead, and solved.
        if (w.queue > sim::kMostWaiting && !request.solve)
            fail(ErrorKind::invalid_input,
                 "scenario " + s.name + ": about " + count_text(w.queue) +
                     " chats would wait at once, more than the " + count_text(sim::kMostWaiting) +
                     " a run may hold",
                 {"give more agents, lower --arrivals, or a shorter --patience"});
    }
    if (request.solve && !request.scenarios.empty()) {
        const auto& last = request.scenarios.back();
        events += sim::work_of(last, request.load, request.run).events *
                  solve_evaluations(last.pools, request.load);
    }
    check_events(request, events, "the run");
}

void check_events(const Request& request, double events, const std::string& what) {
    if (events > request.max_events)
        fail(ErrorKind::invalid_input,
             what + " would simulate about " + count_text(events) + " events, more than " +
                 count_text(request.max_events),
             {"lower --replications, --duration or --warmup (each is in proportion), or "
              "raise the bound with --max-events N"});
}

Outcome run(const Request& request) {
    const sim::Target target = request.target.value_or(sim::Target{});
    Outcome outcome;
    Json scenarios = Json::array();
    auto note = [&](const sim::Result& r) {
        if (r.slow_to_settle)
            outcome.warnings.push_back(
                "scenario " + r.scenario.name +
                ": over 97% of the slots held and nobody gives up: the figures settle slowly "
                "(a longer --duration or more --replications narrow them)");
    };
    try {
        for (const auto& s : request.scenarios) {
            sim::Result r = request.solve
                                ? sim::evaluate_or_unstable(s, request.load, target, request.run)
                                : sim::evaluate(s, request.load, target, request.run);
            note(r);
            scenarios.push_back(result(r, request));
        }
        Json out{{"tenant", request.tenant.empty() ? Json(nullptr) : Json(request.tenant)}};
        const auto& l = request.load;
        out["load"] = load_json(l);
        out["load"]["arrivals_per_hour"] = l.arrivals_per_second * 3600;
        out["target"] = request.target ? Json{{"share", target.share}, {"seconds", target.seconds}}
                                       : Json(nullptr);
        out["run"] = run_json(request.run);
        out["scenarios"] = std::move(scenarios);
        out["solved"] = nullptr;
        if (request.solve) {
            const auto& o = request.solve_options;
            sim::Solved solved = sim::solve(sim::Scenario{"solved", request.scenarios.back().pools},
                                            request.load, target, request.run, o);
            note(solved.answer);
            Json s = result(solved.answer, request);
            s["one_fewer"] = solved.less ? result(*solved.less, request) : Json(nullptr);
            s["borderline"] = solved.borderline;
            s["confidence"] = o.confidence;
            s["max_occupancy"] = o.max_occupancy ? Json(*o.max_occupancy) : Json(nullptr);
            out["solved"] = std::move(s);
            if (solved.borderline)
                outcome.warnings.push_back(
                    o.confidence
                        ? "the answer is borderline: by the point estimates alone, fewer agents "
                          "would do (another seed may answer otherwise)"
                        : "the answer is borderline: the point estimate meets the target but "
                          "the lower end of its 95% interval does not (another seed may "
                          "answer otherwise; --solve-confidence asks for the bound)");
        }
        outcome.doc = std::move(out);
        return outcome;
    } catch (const sim::Unstable& e) {
        fail(ErrorKind::invalid_input, e.what(),
             {request.load.patience_seconds
                  ? "give more agents (--agents PROFILE=N), a lower --arrivals, or --solve"
                  : "give more agents (--agents PROFILE=N), a lower --arrivals, --patience, or "
                    "--solve"});
    }
}

} // namespace chatctl::simulation
