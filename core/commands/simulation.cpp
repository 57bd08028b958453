#include "core/commands/simulation.hpp"

#include "core/commands/lookup.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace chatctl::simulation {

namespace {

using validate::quote;

[[noreturn]] void invalid(std::string_view field, const std::string& message) {
    fail(ErrorKind::invalid_input, std::string(field) + " " + message);
}

sim::Pool& pool_named(std::vector<sim::Pool>& pools, std::string_view name,
                      std::string_view field) {
    for (auto& p : pools)
        if (fold(p.profile) == fold(std::string(name))) return p;
    std::vector<std::string> names;
    names.reserve(pools.size());
    for (const auto& p : pools)
        names.push_back(p.profile);
    std::string near = validate::closest(std::string(name), names);
    fail(ErrorKind::not_found, std::string(field) + ": profile " + quote(name) +
                                   " not found in the tenant" +
                                   (near.empty() ? "" : "; did you mean " + quote(near) + "?"));
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

Json figure(const sim::Figure& f, bool simulated) {
    Json out{{"value", f.value}};
    out["low"] = f.low ? Json(*f.low) : Json(nullptr);
    out["high"] = f.high ? Json(*f.high) : Json(nullptr);
    out["method"] = simulated && f.low ? "simulated" : "exact";
    return out;
}

Json measures(const sim::Measures& m, bool tenant) {
    Json out{{"scope", m.scope}, {"agents", m.agents}, {"slots", m.slots}};
    auto add = [&](const char* name, const sim::Figure& f, bool applies = true) {
        out[name] = applies ? figure(f, true) : Json(nullptr);
    };
    add("offered_load", m.offered_load);
    add("wait_probability", m.wait_probability);
    add("asa_seconds", m.asa_seconds);
    add("mean_wait_seconds", m.mean_wait_seconds, tenant);
    add("service_level", m.service_level);
    add("abandonment", m.abandonment, tenant);
    add("slot_utilisation", m.slot_utilisation);
    add("agent_busy_share", m.agent_busy_share);
    return out;
}

Json result(const sim::Result& r, const Request& request) {
    Json profiles = Json::array();
    for (const auto& p : r.scenario.pools)
        profiles.push_back(Json{{"profile", p.profile},
                                {"agents", p.agents},
                                {"max_concurrent_chats", p.max_chats},
                                {"wrap_up_seconds", p.wrap_up_seconds}});
    Json figures = Json::array();
    for (size_t i = 0; i < r.measures.size(); ++i)
        figures.push_back(measures(r.measures[i], i == 0));
    Json out{{"scenario", r.scenario.name},
             {"method", r.exact ? "exact" : "simulated"},
             {"profiles", std::move(profiles)},
             {"figures", std::move(figures)}};
    if (r.approximation) {
        const auto& a = *r.approximation;
        out["approximation"] =
            Json{{"method", request.load.patience_seconds ? "erlang_a" : "erlang_c"},
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

} // namespace

std::vector<sim::Pool> tenant_pools(Store& store, const std::string& tenant) {
    std::vector<sim::Pool> out;
    for (const auto& info : store.list_profiles(require_tenant(store, tenant)))
        out.push_back(sim::Pool{info.profile.name, static_cast<int>(info.users),
                                info.profile.max_concurrent_chats, info.profile.wrap_up_seconds});
    return out;
}

void apply_change(std::vector<sim::Pool>& pools, const Change& c) {
    auto find = [&](const std::string& name) -> sim::Pool* {
        for (auto& p : pools)
            if (fold(p.profile) == fold(name)) return &p;
        return nullptr;
    };
    if (c.kind() == Kind::tenant) {
        if (c.action == Action::remove) pools.clear();
        return;
    }
    if (c.kind() == Kind::profile) {
        if (c.action == Action::remove) {
            std::erase_if(pools,
                          [&](const sim::Pool& p) { return fold(p.profile) == fold(c.key()); });
            return;
        }
        const auto& after = std::get<Profile>(*c.after);
        sim::Pool* p = c.before ? find(c.key()) : nullptr;
        if (!p) p = &pools.emplace_back(sim::Pool{after.name, 0, 3, 60});
        p->profile = after.name;
        p->max_chats = after.max_concurrent_chats;
        p->wrap_up_seconds = after.wrap_up_seconds;
        return;
    }
    if (c.before)
        if (sim::Pool* p = find(std::get<User>(*c.before).profile)) --p->agents;
    if (c.after)
        if (sim::Pool* p = find(std::get<User>(*c.after).profile)) ++p->agents;
}

void set_agents(std::vector<sim::Pool>& pools, std::string_view text) {
    size_t eq = text.rfind('=');
    if (eq == std::string_view::npos || eq == 0)
        invalid("--agents", "must be PROFILE=N, not " + quote(text));
    pool_named(pools, text.substr(0, eq), "--agents").agents =
        validate::parse_int(text.substr(eq + 1), "--agents", 0, 100000);
}

void set_field(std::vector<sim::Pool>& pools, std::string_view text) {
    size_t eq = text.rfind('='), dot = text.substr(0, eq).rfind('.');
    if (eq == std::string_view::npos || dot == std::string_view::npos || dot == 0)
        invalid("--set", "must be PROFILE.max_concurrent_chats=N or PROFILE.wrap_up_seconds=N, "
                         "not " +
                             quote(text));
    std::string_view field = text.substr(dot + 1, eq - dot - 1), value = text.substr(eq + 1);
    sim::Pool& p = pool_named(pools, text.substr(0, dot), "--set");
    if (field == "max_concurrent_chats")
        p.max_chats = validate::parse_int(value, "--set max_concurrent_chats",
                                          validate::kMaxChatsMin, validate::kMaxChatsMax);
    else if (field == "wrap_up_seconds")
        p.wrap_up_seconds = validate::parse_duration(value, "--set wrap_up_seconds");
    else
        invalid("--set", "can change max_concurrent_chats or wrap_up_seconds, not " + quote(field));
}

double parse_rate(std::string_view text, std::string_view field) {
    size_t slash = text.find('/');
    std::optional<double> n = decimal(text.substr(0, slash));
    std::string_view unit = slash == std::string_view::npos ? "" : text.substr(slash + 1);
    double per = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
    if (!n || per == 0)
        invalid(field,
                "must be a number of chats per s, m or h (150/h, 2.5/m), not " + quote(text));
    double rate = *n / per;
    if (rate <= 0 || rate > 1000)
        invalid(field, "must be above 0 and at most 1000 chats a second, not " + quote(text));
    return rate;
}

int parse_seconds(std::string_view text, std::string_view field, int lo, int hi) {
    std::string_view digits = text;
    int unit = 1;
    if (!text.empty() && !std::isdigit(static_cast<unsigned char>(text.back()))) {
        char u = text.back();
        unit = u == 's' ? 1 : u == 'm' ? 60 : u == 'h' ? 3600 : 0;
        digits = text.substr(0, text.size() - 1);
    }
    bool whole = !digits.empty() && digits.size() <= 9 && unit > 0;
    for (char c : digits)
        whole = whole && std::isdigit(static_cast<unsigned char>(c));
    long long seconds = whole ? std::atoll(std::string(digits).c_str()) * unit : -1;
    if (!whole || seconds < lo || seconds > hi)
        invalid(field, "must be a duration from " + std::to_string(lo) + " to " +
                           std::to_string(hi) + " seconds (90, 90s, 2m, 8h), not " + quote(text));
    return static_cast<int>(seconds);
}

sim::Target parse_target(std::string_view text, std::string_view field) {
    size_t slash = text.find('/');
    std::optional<double> pct = decimal(text.substr(0, slash));
    if (slash == std::string_view::npos || !pct || *pct <= 0 || *pct > 100)
        invalid(field, "must be PERCENT/SECONDS, as 80/20s, not " + quote(text));
    return sim::Target{*pct / 100,
                       static_cast<double>(parse_seconds(text.substr(slash + 1), field, 0, 86400))};
}

void parse_talk_shape(std::string_view text, std::string_view field, sim::Load& load) {
    if (text == "exp" || text == "exponential") {
        load.talk_shape = sim::TalkShape::exponential;
    } else if (text == "fixed") {
        load.talk_shape = sim::TalkShape::fixed;
    } else if (text.rfind("lognormal:", 0) == 0) {
        std::optional<double> cv = decimal(text.substr(10));
        if (!cv || *cv <= 0 || *cv > 10)
            invalid(field, "lognormal needs a coefficient of variation above 0 and at most 10 "
                           "(lognormal:0.8), not " +
                               quote(text));
        load.talk_shape = sim::TalkShape::lognormal;
        load.talk_cv = *cv;
    } else {
        invalid(field, "must be exp, fixed or lognormal:CV, not " + quote(text));
    }
}

Json run(const Request& request) {
    const sim::Target target = request.target.value_or(sim::Target{});
    Json scenarios = Json::array();
    try {
        for (const auto& s : request.scenarios)
            scenarios.push_back(
                result(sim::evaluate(s, request.load, target, request.run), request));
        Json out{{"tenant", request.tenant}};
        const auto& l = request.load;
        out["load"] = Json{
            {"arrivals_per_hour", l.arrivals_per_second * 3600},
            {"talk_seconds", l.talk_seconds},
            {"talk_distribution", shape_name(l.talk_shape)},
            {"talk_cv",
             l.talk_shape == sim::TalkShape::lognormal ? Json(l.talk_cv) : Json(nullptr)},
            {"patience_seconds", l.patience_seconds ? Json(*l.patience_seconds) : Json(nullptr)}};
        out["target"] = request.target ? Json{{"share", target.share}, {"seconds", target.seconds}}
                                       : Json(nullptr);
        out["run"] = Json{{"seed", request.run.seed},
                          {"replications", request.run.replications},
                          {"duration_seconds", request.run.duration_seconds},
                          {"warmup_seconds", request.run.warmup_seconds}};
        out["scenarios"] = std::move(scenarios);
        sim::Scenario base{"solved", request.scenarios.back().pools};
        out["solved"] = request.solve
                            ? result(sim::solve(base, request.load, target, request.run), request)
                            : Json(nullptr);
        return out;
    } catch (const sim::Unstable& e) {
        fail(ErrorKind::invalid_input, e.what(),
             {"give more agents (--agents PROFILE=N), a lower --arrivals, or --patience"});
    }
}

} // namespace chatctl::simulation
