// The pool of slots as a birth-death chain: M/M/s (Erlang C), or M/M/s+M with
// exponential patience (Erlang A), solved numerically: the stationary distribution of
// the number of chats in the system, then each figure from it. Exact when the hold time
// (talk and wrap-up together) is exponential and every slot is alike.
#pragma once

#include <optional>

namespace chatctl::sim {

struct ChainFigures {
    double offered_load = 0;      // Erlangs
    double wait_probability = 0;  // P(all slots busy) at an arrival (PASTA)
    double asa_seconds = 0;       // mean wait of answered chats
    double mean_wait_seconds = 0; // of all arrivals (Little: mean queue / arrival rate)
    double service_level = 0;     // P(answered within the target)
    double abandonment = 0;
    double slot_utilisation = 0;
};

// lambda: arrivals per second; hold: mean hold time in seconds; slots: servers; patience:
// mean patience in seconds (none: nobody leaves). Throws std::domain_error when there is
// no steady state (no patience and a load at or over the slots).
ChainFigures birth_death(double lambda, double hold_seconds, int slots,
                         std::optional<double> patience_seconds, double target_seconds);

// Erlang C's probability of waiting, by its closed form (for tests of the chain).
double erlang_c(int slots, double load);

} // namespace chatctl::sim
