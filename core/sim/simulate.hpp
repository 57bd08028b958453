// simulate: the figures each scenario gives, exact where the mathematics is (the chain of
// core/sim/erlang.hpp), simulated elsewhere (core/sim/des.hpp), with common random
// numbers across the scenarios of one run; and the fewest agents that meet a target.
#pragma once

#include "core/sim/erlang.hpp"
#include "core/sim/model.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace chatctl::sim {

struct Scenario {
    std::string name; // "current", "what-if"
    std::vector<Pool> pools;
};

struct Result {
    Scenario scenario;
    // Whether the tenant's figures come from the chain, exactly (all but the share of
    // busy agents, which is always simulated).
    bool exact = false;
    std::vector<Measures> measures; // the tenant, then each profile
    // Where the figures are simulated: the chain's figures for the pool taken as one of
    // exponential holds (Erlang C, or Erlang A with patience), an approximation.
    std::optional<ChainFigures> approximation;
    bool meets_target = false;
};

// What a run cannot do: a scenario with no agent, or waits growing without end.
struct Unstable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Whether the chain is exact for the pools: exponential talk, no wrap-up, and the same
// max chats for every agent.
bool exact_for(const std::vector<Pool>& pools, const Load& load);

Result evaluate(const Scenario& scenario, const Load& load, const Target& target,
                const RunOptions& run);

// The fewest agents in all, shared among the pools in the proportions they have now
// (largest remainders; equal shares when none has agents), whose tenant service level
// meets the target.
// Throws Unstable when none up to 100,000 agents does.
Result solve(const Scenario& scenario, const Load& load, const Target& target,
             const RunOptions& run);

// The 97.5% quantile of Student's t with `df` degrees of freedom.
double t_quantile(int df);

} // namespace chatctl::sim
