// What `chatctl simulate` takes from the store and the command line: the tenant's agents
// by profile, what-ifs applied to them, the values of its options; and its result as
// JSON. The models themselves are in core/sim/.
#pragma once

#include "core/engine.hpp"
#include "core/sim/simulate.hpp"

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

// "150/h", "2.5/m", "1/s": arrivals per second.
double parse_rate(std::string_view text, std::string_view field);
// A DURATION as the contract has it (whole seconds, or a whole number of s, m or h)
// within [lo, hi] seconds.
int parse_seconds(std::string_view text, std::string_view field, int lo, int hi);
// "80/20s": the share and the time.
sim::Target parse_target(std::string_view text, std::string_view field);
// "exp", "fixed", "lognormal:0.8".
void parse_talk_shape(std::string_view text, std::string_view field, sim::Load& load);

struct Request {
    std::string tenant;
    sim::Load load;
    std::optional<sim::Target> target;
    sim::RunOptions run;
    std::vector<sim::Scenario> scenarios; // "current", then "what-if" when one is asked
    bool solve = false;
};

// Every scenario evaluated (and the fewest agents, with solve), as the JSON the command
// prints.
Json run(const Request& request);

} // namespace chatctl::simulation
