// The pool of slots as a birth-death chain: M/M/s (Erlang C), or M/M/s+M with
// exponential patience (Erlang A), solved numerically: the stationary distribution of
// the number of chats in the system, then each figure from it. Exact when the hold time
// (talk and wrap-up together) is exponential and every slot is alike; in general, exact
// for any chain whose completion rate depends on the chats held alone (one agent whose
// chats slow with concurrency).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace chatctl::sim {

struct ChainFigures {
    double offered_load = 0;      // Erlangs
    double wait_probability = 0;  // P(all slots busy) at an arrival (PASTA)
    double asa_seconds = 0;       // mean wait of answered chats
    double mean_wait_seconds = 0; // of all arrivals (Little: mean queue / arrival rate)
    double service_level = 0;     // P(answered within the target)
    double abandonment = 0;
    double slot_utilisation = 0;
    double mean_queue = 0; // chats waiting, time-average
};

// Arrivals at `lambda` a second; with n chats held (n = 1 .. slots, slots =
// service.size()), they end at service[n-1] a second in all; past the slots, at
// service.back(), and each waiting chat gives up at 1/patience.
struct Chain {
    double lambda = 0;
    std::vector<double> service;
    std::optional<double> patience_seconds;
};

// The chain of `slots` alike slots of exponential holds of `hold_seconds`.
Chain uniform_chain(double lambda, double hold_seconds, int slots,
                    std::optional<double> patience_seconds);

// P(n chats in the system), n = 0, 1, ... up to where the rest is below e^-60 of the
// largest. Throws std::domain_error when there is no steady state (no patience and
// arrivals at or over service.back()), or when it would need more than `most` states.
std::vector<double> stationary(const Chain& chain, size_t most = 20'000'000);

// Every figure of the chain from its stationary distribution.
ChainFigures chain_figures(const Chain& chain, const std::vector<double>& p, double target_seconds);

// lambda: arrivals per second; hold: mean hold time in seconds; slots: servers; patience:
// mean patience in seconds (none: nobody leaves). Throws std::domain_error when there is
// no steady state (no patience and a load at or over the slots).
ChainFigures birth_death(double lambda, double hold_seconds, int slots,
                         std::optional<double> patience_seconds, double target_seconds);

// Erlang C's probability of waiting, by its closed form (for tests of the chain).
double erlang_c(int slots, double load);

} // namespace chatctl::sim
