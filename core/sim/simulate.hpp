// simulate: the figures each scenario gives, exact where the mathematics is (the chain of
// core/sim/erlang.hpp), simulated elsewhere (core/sim/des.hpp), with common random
// numbers across the scenarios of one run; and the fewest agents that meet a target.
#pragma once

#include "core/sim/des.hpp"
#include "core/sim/erlang.hpp"
#include "core/sim/model.hpp"
#include "core/sim/summary.hpp"

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
    // False when waits would grow without end (no patience, the load at or over the
    // slots): then `reason` says so and there are no figures.
    bool stable = true;
    std::string reason;
    // Whether the tenant's figures come from the chain, exactly (all but the share of
    // busy agents, which is always simulated).
    bool exact = false;
    std::vector<Measures> measures; // the tenant, then each profile
    // Where the figures are simulated: the chain's figures for the pool taken as one of
    // exponential holds (Erlang C, or Erlang A with patience), an approximation.
    std::optional<ChainFigures> approximation;
    bool meets_target = false;
    // A load over 97% of the slots without patience: the figures settle slowly.
    bool slow_to_settle = false;
};

// What a run cannot do: a scenario with no agent, or waits growing without end.
struct Unstable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Whether the chain is exact for the pools: exponential talk, no wrap-up, and either
// chats that do not slow with concurrency (the slots are one birth-death chain under
// any routing that leaves no slot idle while a chat waits) or a single agent.
bool exact_for(const std::vector<Pool>& pools, const Load& load);

// The chain of the pools: exact where exact_for says so, else the approximation of
// alike slots of the mean hold (chats spread evenly over the agents).
Chain chain_of(const std::vector<Pool>& pools, const Load& load);

// What a run costs before it runs: the events it simulates (arrivals, ends, give-ups
// over duration and warm-up, every replication) and the chats waiting at once on
// average (the chain's mean queue).
struct Work {
    double events = 0;
    double queue = 0;
};
Work work_of(const Scenario& scenario, const Load& load, const RunOptions& run);

// The most chats a simulated run may hold waiting at once, on average: above it a
// scenario is unstable (its queue would not fit in memory, nor its figures in a run).
constexpr double kMostWaiting = 1e6;

// Throws Unstable when there is no steady state, or its queue is over kMostWaiting.
Result evaluate(const Scenario& scenario, const Load& load, const Target& target,
                const RunOptions& run);
// The same, but an unstable scenario is a Result with stable = false.
Result evaluate_or_unstable(const Scenario& scenario, const Load& load, const Target& target,
                            const RunOptions& run);

// The pools with `total` agents in all, added one at a time, each to the profile furthest
// below its share of the agents the pools have now (equal shares when none has any):
// the split for n holds the split for n - 1 and one more agent.
std::vector<Pool> staffed(const std::vector<Pool>& pools, int total);

struct SolveOptions {
    bool confidence = false;             // the interval's lower bound must meet the target
    std::optional<double> max_occupancy; // slot utilisation at most this share
};

struct Solved {
    Result answer;              // the fewest agents that meet the target
    std::optional<Result> less; // one agent fewer (none when the answer is one agent)
    // Simulated, and the point estimate and the interval's bound disagree on the answer
    // or on one agent fewer: another seed may answer otherwise.
    bool borderline = false;
};

// The fewest agents in all (split as `staffed` does) whose tenant service level meets the
// target, and any occupancy bound. Throws Unstable when none up to 100,000 agents does.
Solved solve(const Scenario& scenario, const Load& load, const Target& target,
             const RunOptions& run, const SolveOptions& options = {});

} // namespace chatctl::sim
