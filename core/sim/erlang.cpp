#include "core/sim/erlang.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace chatctl::sim {

namespace {

// P(served within t | j chats ahead), for every j up to k_max, by uniformization of the
// chain a waiting chat goes through: with j ahead it moves up at rate s*mu + j*theta (a
// slot frees, or one ahead gives up), is served from j = 0 at rate s*mu, and gives up
// itself at rate theta.
std::vector<double> served_within(double s_mu, double theta, size_t k_max, double t) {
    // A chat with j ahead needs j + 1 moves within t; past the Poisson mass of the moves
    // the chain can make in t, none is served in time: the chain need go no further.
    auto reach = [&](size_t k) {
        double x = (s_mu + static_cast<double>(k + 1) * theta) * t;
        return static_cast<size_t>(x + 12 * std::sqrt(x) + 30);
    };
    k_max = std::min(k_max, reach(k_max));
    const double rate = s_mu + static_cast<double>(k_max) * theta + theta; // uniformization
    const double x = rate * t;
    std::vector<double> u(k_max + 1, 0.0), next(k_max + 1), out(k_max + 1, 0.0);
    // Poisson(x) weights, in logs so that a large x does not underflow e^{-x}; past the
    // last step the mass left is below 1e-30.
    const auto steps = static_cast<size_t>(x + 12 * std::sqrt(x) + 30);
    for (size_t m = 1; m <= steps; ++m) {
        for (size_t j = 0; j <= k_max; ++j) {
            double r = s_mu + static_cast<double>(j) * theta;
            double moved = j == 0 ? 1.0 : u[j - 1];
            next[j] = (r / rate) * moved + (1.0 - (r + theta) / rate) * u[j];
        }
        u.swap(next);
        double weight = std::exp(static_cast<double>(m) * std::log(x) - x -
                                 std::lgamma(static_cast<double>(m) + 1));
        if (x == 0) weight = 0;
        for (size_t j = 0; j <= k_max; ++j)
            out[j] += weight * u[j];
    }
    return out;
}

} // namespace

Chain uniform_chain(double lambda, double hold_seconds, int slots,
                    std::optional<double> patience_seconds) {
    Chain c{lambda, {}, patience_seconds};
    c.service.reserve(static_cast<size_t>(std::max(slots, 0)));
    for (int n = 1; n <= slots; ++n)
        c.service.push_back(n / hold_seconds);
    return c;
}

std::vector<double> stationary(const Chain& chain, size_t most) {
    const double theta = chain.patience_seconds ? 1.0 / *chain.patience_seconds : 0.0;
    const size_t servers = chain.service.size();
    if (servers == 0 || (theta == 0 && chain.lambda >= chain.service.back()))
        throw std::domain_error("the offered load is at or over the slots: waits grow without end");
    // Unnormalized log-probabilities of n chats in the system, up to where they vanish.
    std::vector<double> logp{0.0};
    double top = 0;
    const double log_lambda = std::log(chain.lambda);
    for (size_t n = 0;; ++n) {
        size_t next = n + 1;
        double out_rate = next <= servers
                              ? chain.service[next - 1]
                              : chain.service.back() + theta * static_cast<double>(next - servers);
        logp.push_back(logp.back() + log_lambda - std::log(out_rate));
        top = std::max(top, logp.back());
        // Past the slots, once more leave than come, the rest only falls.
        if (next > servers && out_rate > chain.lambda && logp.back() < top - 60) break;
        if (logp.size() > most)
            throw std::length_error("the chain does not settle within " + std::to_string(most) +
                                    " states");
    }
    std::vector<double> p(logp.size());
    double total = 0;
    for (size_t n = 0; n < p.size(); ++n)
        total += p[n] = std::exp(logp[n] - top);
    for (double& v : p)
        v /= total;
    return p;
}

ChainFigures chain_figures(const Chain& chain, const std::vector<double>& p,
                           double target_seconds) {
    const double theta = chain.patience_seconds ? 1.0 / *chain.patience_seconds : 0.0;
    const size_t servers = chain.service.size();
    const double full = chain.service.back(); // completions a second with every slot held
    const size_t k_max = p.size() > servers ? p.size() - servers : 1;
    // Without patience a waiting chat moves up at `full` whatever is ahead: the time to
    // its answer is Erlang, and over the geometric queue the sum has a closed form (used
    // below); with patience, by uniformization.
    std::vector<double> within;
    if (theta > 0) {
        within = served_within(full, theta, k_max, target_seconds);
        within.resize(k_max + 1, 0.0); // beyond its reach, nobody is served in time
    }
    ChainFigures f;
    double queue = 0, busy = 0, abandon = 0, answered_wait = 0, served_soon = 0;
    double reach = 1, stage_time = 0; // P(served), sum of 1/a over the stages so far
    for (size_t n = 0; n < p.size(); ++n) {
        if (n < servers) {
            busy += p[n] * static_cast<double>(n);
            served_soon += p[n];
            continue;
        }
        size_t j = n - servers; // chats ahead of one arriving now
        double r = full + static_cast<double>(j) * theta, a = r + theta;
        reach *= r / a;
        stage_time += 1 / a;
        busy += p[n] * static_cast<double>(servers);
        queue += p[n] * static_cast<double>(j);
        f.wait_probability += p[n];
        abandon += p[n] * (1 - reach);
        answered_wait += p[n] * reach * stage_time;
        if (theta > 0) served_soon += p[n] * within[j];
    }
    if (theta == 0) // P(wait within t) = P(wait) (1 - e^{-(full - lambda) t})
        served_soon += f.wait_probability * -std::expm1(-(full - chain.lambda) * target_seconds);
    f.abandonment = abandon;
    f.asa_seconds = abandon < 1 ? answered_wait / (1 - abandon) : 0;
    f.mean_queue = queue;
    f.mean_wait_seconds = queue / chain.lambda;
    f.service_level = served_soon;
    f.slot_utilisation = busy / static_cast<double>(servers);
    // Arrivals x the mean hold of the chats answered (Little: busy = throughput x hold).
    f.offered_load = abandon < 1 ? busy / (1 - abandon) : 0;
    return f;
}

ChainFigures birth_death(double lambda, double hold_seconds, int slots,
                         std::optional<double> patience_seconds, double target_seconds) {
    Chain chain = uniform_chain(lambda, hold_seconds, slots, patience_seconds);
    ChainFigures f = chain_figures(chain, stationary(chain), target_seconds);
    f.offered_load = lambda * hold_seconds;
    return f;
}

double erlang_c(int slots, double load) {
    // Erlang B by its recursion, then C from B.
    double b = 1;
    for (int k = 1; k <= slots; ++k)
        b = load * b / (k + load * b);
    return slots * b / (slots - load * (1 - b));
}

} // namespace chatctl::sim
