// chatctl simulate
#include "app.hpp"
#include "core/commands/simulation.hpp"
#include "core/decl/converge.hpp"
#include "core/validate.hpp"
#include "progress.hpp"
#include "render_sim.hpp"

#include <climits>
#include <iostream>

namespace chatctl::cli {

namespace {

struct Args {
    TenantOption tenant;
    std::string arrivals, talk, talk_dist = "exp", seed = "1", replications = "30", duration = "8h",
                                warmup = "30m";
    TextOption patience, target;
    std::vector<std::string> agents, sets, files;
    bool solve = false, prune = false;
};

// The request the options make, every value checked before the store is read.
simulation::Request request(const Args& a) {
    simulation::Request r;
    r.tenant = a.tenant.key();
    r.load.arrivals_per_second = simulation::parse_rate(a.arrivals, "--arrivals");
    r.load.talk_seconds = simulation::parse_seconds(a.talk, "--talk", 1, 86400);
    simulation::parse_talk_shape(a.talk_dist, "--talk-dist", r.load);
    if (auto p = a.patience.get())
        r.load.patience_seconds = simulation::parse_seconds(*p, "--patience", 1, 86400);
    if (auto t = a.target.get()) r.target = simulation::parse_target(*t, "--target");
    r.run.seed = static_cast<uint64_t>(validate::parse_int(a.seed, "--seed", 0, INT_MAX));
    r.run.replications = validate::parse_int(a.replications, "--replications", 2, 1000);
    r.run.duration_seconds = simulation::parse_seconds(a.duration, "--duration", 60, 7 * 86400);
    r.run.warmup_seconds = simulation::parse_seconds(a.warmup, "--warmup", 0, 86400);
    r.solve = a.solve;
    if (a.solve && !r.target)
        fail(ErrorKind::usage, "--solve needs --target, the service level to meet");
    if (a.prune && a.files.empty()) fail(ErrorKind::usage, "--prune goes with -f");
    return r;
}

} // namespace

void add_simulate_command(CLI::App& app, Globals& g) {
    auto a = std::make_shared<Args>();
    CLI::App* c = add_command(app, "simulate");
    add_tenant_option(c, a->tenant);
    c->add_option("--arrivals", a->arrivals, "Chats arriving (Poisson): 150/h, 2.5/m, 1/s")
        ->required()
        ->type_name("RATE");
    c->add_option("--talk", a->talk, "Mean talk time of a chat (then the profile's wrap-up)")
        ->required()
        ->type_name("DURATION");
    c->add_option("--talk-dist", a->talk_dist, "Talk time distribution")
        ->type_name("exp|fixed|lognormal:CV")
        ->capture_default_str();
    add_text_option(c, "--patience", a->patience,
                    "Mean time a visitor waits before giving up (exponential)", "DURATION");
    add_text_option(c, "--target", a->target,
                    "Service level to meet: PERCENT of chats answered within SECONDS",
                    "PCT/SECONDSs");
    c->add_flag("--solve", a->solve,
                "Find the fewest agents (in the profiles' proportions) that meet --target");
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
    c->add_option("--warmup", a->warmup, "Time simulated before measuring, from empty")
        ->type_name("DURATION")
        ->capture_default_str();
    c->footer(simulation_definitions());
    c->callback([&g, a] {
        simulation::Request r = request(*a);
        std::optional<Declaration> declaration;
        if (!a->files.empty()) {
            declaration = load_declaration(read_sources(a->files));
            if (!declaration->problems.empty())
                fail_with(ErrorKind::invalid_input, std::move(declaration->problems));
        }
        auto store = declaration ? open_for_plan(g) : open_for_read(g);
        std::vector<sim::Pool> pools;
        if (!declaration || store->find_tenant(r.tenant))
            pools = simulation::tenant_pools(*store, r.tenant);
        r.scenarios.push_back(sim::Scenario{"current", pools});
        if (declaration)
            converge(*store, *declaration, ApplyOptions{a->prune}, [&](const Change& change) {
                if (change.tenant() == r.tenant) simulation::apply_change(pools, change);
            });
        for (const auto& text : a->agents)
            simulation::set_agents(pools, text);
        for (const auto& text : a->sets)
            simulation::set_field(pools, text);
        if (declaration || !a->agents.empty() || !a->sets.empty()) {
            // A tenant with no agent yet (or none at all) is only what it would be.
            int agents = 0;
            for (const auto& p : r.scenarios[0].pools)
                agents += p.agents;
            if (agents == 0) r.scenarios.clear();
            r.scenarios.push_back(sim::Scenario{"what-if", pools});
        }
        // Replications to run: known unless --solve searches for its number of agents.
        std::optional<uint64_t> total;
        if (!r.solve) total = r.scenarios.size() * static_cast<uint64_t>(r.run.replications);
        Json out;
        {
            Progress progress(g, "replications", total);
            r.run.on_replication = [&] { progress.add(); };
            out = simulation::run(r);
        } // erased before the figures are printed
        print_simulation(g, out);
    });
}

} // namespace chatctl::cli
