// chatctl simulate
#include "app.hpp"
#include "core/commands/simulation.hpp"
#include "core/decl/converge.hpp"
#include "core/validate.hpp"
#include "diagnostics.hpp"
#include "help.hpp"
#include "progress.hpp"
#include "render_sim.hpp"
#include "simulate_day.hpp"

#include <climits>
#include <iostream>

namespace chatctl::cli {

namespace {

struct Args {
    TenantOption tenant;
    std::string arrivals, talk_dist = "exp", seed = "1", replications = "30", duration = "8h",
                          warmup = "30m";
    TextOption talk, patience, target, max_occupancy, max_events, pool, max_chats, wrap_up;
    std::vector<std::string> agents, sets, files, curves;
    bool solve = false, prune = false, confidence = false;
    DayArgs day; // --arrivals-profile, --plot
};

// A percentage: "85", "85%", "92.5".
double parse_percent(std::string text, const char* field) {
    if (!text.empty() && text.back() == '%') text.pop_back();
    double v = 0;
    size_t used = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !(v > 0 && v <= 100))
        fail(ErrorKind::invalid_input,
             std::string(field) + " must be a percentage above 0 and at most 100 (85, 85%)");
    return v / 100;
}

// --pool N --max-chats M [--wrap-up D]: a pool of agents with no store.
std::optional<sim::Pool> hypothetical_pool(const Args& a) {
    std::optional<sim::Pool> p;
    if (auto n = a.pool.get())
        p = sim::Pool{"pool", validate::parse_int(*n, "--pool", 0, 100000), 3, 0};
    int max_chats = 3, wrap_up = 0;
    if (auto m = a.max_chats.get())
        max_chats =
            validate::parse_int(*m, "--max-chats", validate::kMaxChatsMin, validate::kMaxChatsMax);
    if (auto w = a.wrap_up.get()) wrap_up = validate::parse_duration(*w, "--wrap-up");
    if (!p && (a.max_chats.get() || a.wrap_up.get()))
        fail(ErrorKind::usage, "--max-chats and --wrap-up go with --pool");
    if (p && a.tenant.given()) fail(ErrorKind::usage, "--pool sizes a pool with no store: no -t");
    if (p && !a.files.empty()) fail(ErrorKind::usage, "--pool sizes a pool with no store: no -f");
    if (p) {
        p->max_chats = max_chats;
        p->wrap_up_seconds = wrap_up;
    }
    return p;
}

// The request the options make, every value checked before the store is read: each value
// first (an empty or malformed one is invalid input whatever goes with it), then how the
// options go together.
simulation::Request request(const Args& a, std::optional<sim::Pool>& pool) {
    simulation::Request r;
    check_day_args(a.day, a.solve, a.target.get().has_value());
    if (!a.day.day()) r.load.arrivals_per_second = simulation::parse_rate(a.arrivals, "--arrivals");
    std::optional<double> first; // the first talk time of a curve for every profile
    for (const auto& c : a.curves)
        if (auto [profile, seconds] = simulation::parse_curve(c, "--talk-by-concurrency");
            profile.empty())
            first = seconds.front();
    std::optional<int> talk;
    if (auto t = a.talk.get()) talk = validate::parse_duration(*t, "--talk", 1, 86400);
    simulation::parse_talk_shape(a.talk_dist, "--talk-dist", r.load);
    if (auto p = a.patience.get())
        r.load.patience_seconds = validate::parse_duration(*p, "--patience", 1, 86400);
    if (auto t = a.target.get()) r.target = simulation::parse_target(*t, "--target");
    r.run.seed = static_cast<uint64_t>(validate::parse_int(a.seed, "--seed", 0, INT_MAX));
    r.run.replications = validate::parse_int(a.replications, "--replications", 2, 1000);
    r.run.duration_seconds = validate::parse_duration(a.duration, "--duration", 60, 7 * 86400);
    r.run.warmup_seconds = validate::parse_duration(a.warmup, "--warmup", 0, 86400);
    if (auto m = a.max_occupancy.get())
        r.solve_options.max_occupancy = parse_percent(*m, "--max-occupancy");
    if (auto m = a.max_events.get())
        r.max_events = validate::parse_int(*m, "--max-events", 1, INT_MAX) * 1.0;
    pool = hypothetical_pool(a);

    if (!pool) r.tenant = a.tenant.key();
    if (!talk && !first)
        fail(ErrorKind::usage, "--talk is required (or --talk-by-concurrency 1:DURATION,...)");
    if (talk && first)
        fail(ErrorKind::usage, "--talk-by-concurrency for every profile gives the talk time: "
                               "no --talk beside it");
    r.load.talk_seconds = first ? *first : *talk;
    r.solve = a.solve;
    if (a.solve && !r.target)
        fail(ErrorKind::usage, "--solve needs --target, the service level to meet");
    if ((a.confidence || a.max_occupancy.get()) && !a.solve && !a.day.day())
        fail(ErrorKind::usage,
             "--solve-confidence and --max-occupancy go with --solve or --arrivals-profile");
    r.solve_options.confidence = a.confidence;
    if (a.prune && a.files.empty()) fail(ErrorKind::usage, "--prune goes with -f");
    return r;
}

} // namespace

void add_simulate_command(CLI::App& app, Globals& g) {
    auto a = std::make_shared<Args>();
    CLI::App* c = add_command(app, "simulate");
    add_tenant_option(c, a->tenant);
    c->add_option("--arrivals", a->arrivals, "Chats arriving (Poisson): 150/h, 2.5/m, 1/s")
        ->type_name("RATE");
    add_day_options(c, a->day);
    add_text_option(c, "--talk", a->talk, "Mean talk time of a chat (then the profile's wrap-up)",
                    "DURATION");
    c->add_option("--talk-by-concurrency", a->curves,
                  "Mean talk time while the agent holds 1, 2... chats (repeatable, "
                  "PROFILE: for one profile)")
        ->type_name("[PROFILE:]1:D,2:D...")
        ->allow_extra_args(false);
    c->add_option("--talk-dist", a->talk_dist,
                  "Talk time distribution: " + choices({"exp", "fixed", "lognormal:CV"}, "exp") +
                      " (CV: its coefficient of variation)")
        ->type_name("exp|fixed|lognormal:CV")
        ->option_text("DIST");
    add_text_option(c, "--patience", a->patience,
                    "Mean time a visitor waits before giving up (exponential)", "DURATION");
    add_text_option(c, "--target", a->target,
                    "Service level to meet: PERCENT of chats answered within SECONDS",
                    "PCT/SECONDSs");
    c->add_flag("--solve", a->solve,
                "Find the fewest agents (in the profiles' proportions) that meet --target");
    c->add_flag(
        "--solve-confidence", a->confidence,
        "With --solve or --arrivals-profile: the lower end of the 95% interval must meet the "
        "target");
    add_text_option(c, "--max-occupancy", a->max_occupancy,
                    "With --solve or --arrivals-profile: slot utilisation at most this share too",
                    "PCT");
    add_text_option(c, "--pool", a->pool, "Size a pool of N agents, no store read (not -t)", "N");
    add_text_option(c, "--max-chats", a->max_chats,
                    "With --pool: the agents' max chats (default 3)", "N");
    add_text_option(c, "--wrap-up", a->wrap_up, "With --pool: the wrap-up (default 0)", "DURATION");
    c->add_option("--agents", a->agents, "What if the profile had N agents (repeatable)")
        ->type_name("PROFILE=N")
        ->allow_extra_args(false);
    c->add_option("--set", a->sets,
                  "What if: PROFILE.max_concurrent_chats=N or PROFILE.wrap_up_seconds=N "
                  "(repeatable)")
        ->type_name("PROFILE.FIELD=VALUE")
        ->allow_extra_args(false);
    c->add_option("-f,--file", a->files, "What if this declaration were applied")
        ->type_name("PATH")
        ->allow_extra_args(false);
    c->add_flag("--prune", a->prune, "With -f: as apply --prune");
    c->add_option("--seed", a->seed, "Random seed: the same seed gives the same figures")
        ->type_name("N")
        ->capture_default_str();
    c->add_option("--replications", a->replications, "Independent runs simulated")
        ->type_name("N")
        ->capture_default_str();
    c->add_option("--duration", a->duration, "Time measured in each run")
        ->type_name("DURATION")
        ->capture_default_str();
    c->add_option("--warmup", a->warmup,
                  "Time simulated before measuring, from a steady state drawn at random")
        ->type_name("DURATION")
        ->capture_default_str();
    add_text_option(c, "--max-events", a->max_events,
                    "The most events a run may simulate (default 200000000)", "N");
    c->footer(simulation_definitions());
    c->callback([&g, a] {
        std::optional<sim::Pool> pool;
        simulation::Request r = request(*a, pool);
        const DayPlan plan = prepare_day(a->day, a->files);
        std::optional<Declaration> declaration;
        if (!a->files.empty()) {
            declaration = load_declaration(read_sources(a->files));
            if (!declaration->problems.empty())
                fail_with(ErrorKind::invalid_input, std::move(declaration->problems));
        }
        std::vector<sim::Pool> pools;
        // The curves of --talk-by-concurrency; before a declaration is applied, a profile
        // it creates has none yet.
        auto curves = [&](std::vector<sim::Pool>& on, bool all_there) {
            for (const auto& text : a->curves) {
                std::string profile = simulation::parse_curve(text, "").first;
                bool there = profile.empty() || std::any_of(on.begin(), on.end(), [&](auto& p) {
                                 return fold(p.profile) == fold(profile);
                             });
                if (there || all_there) simulation::set_talk_by_concurrency(on, text);
            }
        };
        if (pool) {
            pools = {*pool};
        } else {
            auto store = declaration ? open_for_plan(g) : open_for_read(g);
            if (!declaration || store->find_tenant(r.tenant))
                pools = simulation::tenant_pools(*store, r.tenant);
            curves(pools, !declaration);
            r.scenarios.push_back(sim::Scenario{"current", pools});
            if (declaration)
                converge(*store, *declaration, ApplyOptions{a->prune}, [&](const Change& change) {
                    if (change.tenant() == r.tenant) simulation::apply_change(pools, change);
                });
        }
        curves(pools, true);
        if (r.scenarios.empty()) r.scenarios.push_back(sim::Scenario{"current", pools});
        for (const auto& text : a->agents)
            simulation::set_agents(pools, text);
        if (declaration || !a->agents.empty() || !a->sets.empty()) {
            // A tenant with no agent yet (or none at all) is only what it would be.
            int agents = 0;
            for (const auto& p : r.scenarios[0].pools)
                agents += p.agents;
            if (agents == 0) r.scenarios.clear();
            for (auto& [name, what_if] : simulation::what_ifs(pools, a->sets))
                r.scenarios.push_back(sim::Scenario{name, what_if});
        }
        if (plan.profile) return run_day(g, std::move(r), plan);
        if (plan.plot) simulation::check_work_with_curve(r, kPlotSpan);
        simulation::check_work(r);
        // Replications to run: known unless --solve searches for its number of agents.
        std::optional<uint64_t> total;
        if (!r.solve) total = r.scenarios.size() * static_cast<uint64_t>(r.run.replications);
        simulation::Outcome out;
        {
            Progress progress(g, "replications", total);
            r.run.on_replication = [&] { progress.add(); };
            out = simulation::run(r);
        } // erased before the figures are printed
        for (const auto& w : out.warnings)
            warn(g, Diagnostic{"simulate", 0, 0, w});
        if (plan.plot) plot_solve(g, r, out.doc, *plan.plot);
        print_simulation(g, out.doc);
    });
}

} // namespace chatctl::cli
