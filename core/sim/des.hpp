// The discrete-event simulation: Poisson arrivals, talk times of the chosen shape (slower
// as an agent holds more chats, where its profile says so), the fixed wrap-up of each
// agent's profile, first come first served to the agent with the most free slots (the one
// longest at that count among equals), exponential patience. From empty, or from a steady
// state drawn from RunOptions::start_distribution. Its memory does not grow with the run's
// length: only the waiting chats and the pending events are kept.
#pragma once

#include "core/sim/model.hpp"

#include <cstddef>
#include <vector>

namespace chatctl::sim {

// One replication's counts and time integrals, for the tenant and for each pool.
struct Tally {
    double arrivals = 0, answered = 0, waited = 0, within = 0, abandoned = 0;
    double answered_wait = 0, all_wait = 0;    // seconds, summed
    double hold = 0;                           // seconds of slot holding of answered chats
    double slot_time = 0, busy_agent_time = 0; // integrals over the measured window
};

struct Replication {
    Tally tenant;
    std::vector<Tally> pools; // in the order given
    double measured_seconds = 0;
    size_t most_kept = 0; // the most waiting chats and pending events held at once
};

// Runs replication `index` of the scenario. Its random numbers come from (seed, index)
// alone, and each chat draws its talk time and patience as it arrives: two scenarios run
// with the same seed see the same chats (common random numbers). A steady start draws
// its chats from a stream of its own, so the arrivals' chats stay the same.
Replication replicate(const std::vector<Pool>& pools, const Load& load, const Target& target,
                      const RunOptions& run, int index);

} // namespace chatctl::sim
