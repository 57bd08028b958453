// What `chatctl simulate` takes from the store and the command line: the tenant's agents
// by profile, what-ifs applied to them, the values of its options; and its result as
// JSON. The models themselves are in core/sim/.
#pragma once

#include "core/engine.hpp"
#include "core/sim/simulate.hpp"
#include "core/validate.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace chatctl::simulation {

// The tenant's profiles, each with its users as agents (not found when no such tenant).
std::vector<sim::Pool> tenant_pools(Store& store, const std::string& tenant);

// The pools once a change of a plan is made (a declaration simulated before it is
// applied): profiles created, changed, renamed, deleted; users created, moved, deleted.
void apply_change(std::vector<sim::Pool>& pools, const Change& change);

// "--agents Experts=12": that many agents on the profile (named as R9 compares).
void set_agents(std::vector<sim::Pool>& pools, std::string_view text);
// "--set Experts.max_concurrent_chats=4", "--set Experts.wrap_up_seconds=30".
void set_field(std::vector<sim::Pool>& pools, std::string_view text);

// The what-if scenarios of --set values: one, or one per value of a range
// ("Experts.max_concurrent_chats=2..5"), each named.
std::vector<std::pair<std::string, std::vector<sim::Pool>>>
what_ifs(const std::vector<sim::Pool>& pools, const std::vector<std::string>& sets);

// "1:4m,2:4m40s,3:5m30s": the mean talk time while an agent holds 1, 2, 3... chats;
// "PROFILE:1:4m,...": one profile's. The profile ("" for every one) and the seconds.
std::pair<std::string, std::vector<double>> parse_curve(std::string_view text,
                                                        std::string_view field);
// The curve set on its profile, or on every profile.
void set_talk_by_concurrency(std::vector<sim::Pool>& pools, std::string_view text);

// "150/h", "2.5/min", "14400/day", "100/30m": arrivals per second.
double parse_rate(std::string_view text, std::string_view field);
// "80/20s": the share and the time.
sim::Target parse_target(std::string_view text, std::string_view field);
// "exp", "fixed", "lognormal:0.8".
void parse_talk_shape(std::string_view text, std::string_view field, sim::Load& load);

struct Request {
    std::string tenant; // empty: a hypothetical pool (--pool), no store
    sim::Load load;
    std::optional<sim::Target> target;
    sim::RunOptions run;
    std::vector<sim::Scenario> scenarios; // "current", then "what-if" when one is asked
    bool solve = false;
    sim::SolveOptions solve_options;
    double max_events = 2e8; // the work a run may take (sim::Work::events)
};

// The pieces of the JSON documents: a figure (value, low, high, method), the load
// (without its arrivals), the run's options; and the talk shape's name.
Json figure_json(const sim::Figure& f);
Json load_json(const sim::Load& load);
Json run_json(const sim::RunOptions& run);
const char* shape_name(sim::TalkShape shape);
// A number as printf's `format` (one double) writes it.
std::string printed(const char* format, double v);
// A count as a message says it: "12345", "2.75e+09".
std::string count_text(double n);
// The scenarios one solve evaluates by simulation, about (a doubling and a halving to
// its answer, the answer and one fewer; 2 where the chain is exact).
double solve_evaluations(const std::vector<sim::Pool>& pools, const sim::Load& load);

// Refuses (invalid input) a run over the bounds of work, saying what it would take and
// how to lower it.
void check_work(const Request& request);
// Refuses (invalid input) `events` over the request's max_events: "WHAT would simulate...".
void check_events(const Request& request, double events, const std::string& what);

struct Outcome {
    Json doc;                          // the figures, as the command prints them
    std::vector<std::string> warnings; // for standard error
};

// Every scenario evaluated (and the fewest agents, with solve). Without solve an unstable
// scenario is an error; with it, a scenario reported as unstable.
Outcome run(const Request& request);

} // namespace chatctl::simulation
