#include "core/sim/simulate.hpp"

#include "core/sim/des.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace chatctl::sim {

namespace {

int slot_count(const std::vector<Pool>& pools) {
    int n = 0;
    for (const auto& p : pools)
        n += p.agents * p.max_chats;
    return n;
}

int agent_count(const std::vector<Pool>& pools) {
    int n = 0;
    for (const auto& p : pools)
        n += p.agents;
    return n;
}

// The mean talk time of a chat of the pool while its agent holds k chats.
double talk_at(const Pool& p, const Load& load, int k) {
    if (p.talk_by_concurrency.empty()) return load.talk_seconds;
    size_t i = static_cast<size_t>(std::max(k, 1)) - 1;
    return p.talk_by_concurrency[std::min(i, p.talk_by_concurrency.size() - 1)];
}

Figure exact(double value) {
    return Figure{value, std::nullopt, std::nullopt};
}

// Under the target, in the solve's sense: by the interval's bound or by the point.
bool verdict(const Result& r, const Target& target, const SolveOptions& options, bool bound) {
    if (!r.stable) return false;
    const Measures& t = r.measures[0];
    double level = bound && t.service_level.low ? *t.service_level.low : t.service_level.value;
    double used =
        bound && t.slot_utilisation.high ? *t.slot_utilisation.high : t.slot_utilisation.value;
    return level >= target.share && (!options.max_occupancy || used <= *options.max_occupancy);
}

double mean_queue(const Chain& chain, const std::vector<double>& p) {
    double queue = 0;
    for (size_t n = chain.service.size(); n < p.size(); ++n)
        queue += p[n] * static_cast<double>(n - chain.service.size());
    return queue;
}

std::string erlangs_text(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

} // namespace

bool exact_for(const std::vector<Pool>& pools, const Load& load) {
    if (load.talk_shape != TalkShape::exponential) return false;
    // One agent: its chain is exact whatever its curve. Else every chat must end at the
    // same rate whoever holds it and however many its agent holds.
    const bool one = agent_count(pools) == 1;
    std::optional<double> talk;
    for (const auto& p : pools) {
        if (p.agents == 0) continue;
        if (p.wrap_up_seconds != 0) return false;
        for (int k = 1; k <= p.max_chats && !one; ++k) {
            if (talk && *talk != talk_at(p, load, k)) return false;
            talk = talk_at(p, load, k);
        }
    }
    return true;
}

Chain chain_of(const std::vector<Pool>& pools, const Load& load) {
    const int slots = slot_count(pools);
    Chain chain{load.arrivals_per_second, {}, load.patience_seconds};
    chain.service.reserve(static_cast<size_t>(slots));
    // The chats held by each pool as the routing places them, one at a time: to a pool
    // whose agents have the most free slots, spread evenly over its agents.
    std::vector<int> held(pools.size(), 0);
    auto free_of = [&](size_t p) {
        return pools[p].agents == 0 ? 0 : pools[p].max_chats - held[p] / pools[p].agents;
    };
    for (int n = 1; n <= slots; ++n) {
        size_t best = 0;
        for (size_t p = 1; p < pools.size(); ++p)
            if (free_of(p) > free_of(best)) best = p;
        ++held[best];
        // Each chat of an agent holding k ends at 1 / (T_k + wrap-up).
        double rate = 0;
        for (size_t p = 0; p < pools.size(); ++p) {
            if (pools[p].agents == 0 || held[p] == 0) continue;
            const int a = pools[p].agents, k = held[p] / a, more = held[p] % a;
            auto per_agent = [&](int chats) {
                return chats == 0
                           ? 0.0
                           : chats / (talk_at(pools[p], load, chats) + pools[p].wrap_up_seconds);
            };
            rate += (a - more) * per_agent(k) + more * per_agent(k + 1);
        }
        chain.service.push_back(rate);
    }
    return chain;
}

Work work_of(const Scenario& scenario, const Load& load, const RunOptions& run) {
    Work w;
    // About three events a chat: its arrival, its talk's end, its wrap-up's end or its
    // giving up.
    w.events = load.arrivals_per_second * (run.duration_seconds + run.warmup_seconds) *
               run.replications * 3;
    if (slot_count(scenario.pools) == 0) return w;
    try {
        Chain chain = chain_of(scenario.pools, load);
        w.queue = mean_queue(chain, stationary(chain));
    } catch (const std::length_error&) {
        w.queue = HUGE_VAL;
    } catch (const std::domain_error&) {
        // unstable: said when it is evaluated
    }
    return w;
}

Result evaluate(const Scenario& scenario, const Load& load, const Target& target,
                const RunOptions& run) {
    const auto& pools = scenario.pools;
    const int slots = slot_count(pools), agents = agent_count(pools);
    if (slots == 0) throw Unstable("scenario " + scenario.name + " has no agent");
    const Chain chain = chain_of(pools, load);
    RunOptions from_steady = run;
    try {
        from_steady.start_distribution = stationary(chain);
    } catch (const std::domain_error&) {
        // Without patience, a load at or over the slots has no steady state (for exponential
        // holds exactly; for others the same load cannot be carried either).
        throw Unstable("scenario " + scenario.name + ": the load, " +
                       erlangs_text(load.arrivals_per_second * slots / chain.service.back()) +
                       " Erlangs, is at or over its " + std::to_string(slots) +
                       " slots; waits would grow without end");
    } catch (const std::length_error&) {
        throw Unstable("scenario " + scenario.name + ": the queue would not settle within " +
                       "20,000,000 chats");
    }
    if (double queue = mean_queue(chain, from_steady.start_distribution); queue > kMostWaiting)
        throw Unstable("scenario " + scenario.name + ": about " +
                       std::to_string(std::llround(queue)) +
                       " chats would wait at once, more than a run may hold (1000000)");
    ChainFigures figures = chain_figures(chain, from_steady.start_distribution, target.seconds);
    std::vector<Replication> reps;
    reps.reserve(static_cast<size_t>(run.replications));
    for (int r = 0; r < run.replications; ++r) {
        reps.push_back(replicate(pools, load, target, from_steady, r));
        if (run.on_replication) run.on_replication();
    }
    Result out;
    out.scenario = scenario;
    out.exact = exact_for(pools, load);
    out.measures.push_back(summarize(reps, std::nullopt, "tenant", agents, slots));
    for (size_t p = 0; p < pools.size(); ++p)
        out.measures.push_back(summarize(reps, p, pools[p].profile, pools[p].agents,
                                         pools[p].agents * pools[p].max_chats));
    Measures& t = out.measures[0];
    if (out.exact) {
        t.offered_load = exact(figures.offered_load);
        t.wait_probability = exact(figures.wait_probability);
        t.asa_seconds = exact(figures.asa_seconds);
        t.mean_wait_seconds = exact(figures.mean_wait_seconds);
        t.service_level = exact(figures.service_level);
        t.abandonment = exact(figures.abandonment);
        t.slot_utilisation = exact(figures.slot_utilisation);
    } else {
        out.approximation = figures;
        out.slow_to_settle =
            !load.patience_seconds && load.arrivals_per_second > 0.97 * chain.service.back();
    }
    out.meets_target = t.service_level.value >= target.share;
    return out;
}

Result evaluate_or_unstable(const Scenario& scenario, const Load& load, const Target& target,
                            const RunOptions& run) {
    try {
        return evaluate(scenario, load, target, run);
    } catch (const Unstable& e) {
        Result out;
        out.scenario = scenario;
        out.stable = false;
        out.reason = e.what();
        return out;
    }
}

std::vector<Pool> staffed(const std::vector<Pool>& pools, int total) {
    std::vector<double> weight;
    double sum = 0;
    for (const auto& p : pools)
        sum += weight.emplace_back(p.agents);
    if (sum == 0) {
        std::fill(weight.begin(), weight.end(), 1.0);
        sum = static_cast<double>(pools.size());
    }
    std::vector<Pool> out = pools;
    for (auto& p : out)
        p.agents = 0;
    for (int n = 1; n <= total && !out.empty(); ++n) {
        size_t best = pools.size();
        double most = 0;
        for (size_t i = 0; i < out.size(); ++i) {
            if (weight[i] == 0) continue;
            double below = n * weight[i] / sum - out[i].agents;
            if (best == pools.size() || below > most) {
                best = i;
                most = below;
            }
        }
        ++out[best].agents;
    }
    return out;
}

Solved solve(const Scenario& scenario, const Load& load, const Target& target,
             const RunOptions& run, const SolveOptions& options) {
    constexpr int kMost = 100000;
    auto at = [&](int total) { return Scenario{scenario.name, staffed(scenario.pools, total)}; };
    // Whether `total` agents meet the target: by the chain alone where it is exact.
    auto meets = [&](int total) {
        Scenario s = at(total);
        if (slot_count(s.pools) == 0) return false;
        if (!exact_for(s.pools, load))
            return verdict(evaluate_or_unstable(s, load, target, run), target, options,
                           options.confidence);
        try {
            Chain chain = chain_of(s.pools, load);
            ChainFigures f = chain_figures(chain, stationary(chain), target.seconds);
            return f.service_level >= target.share &&
                   (!options.max_occupancy || f.slot_utilisation <= *options.max_occupancy);
        } catch (const std::domain_error&) {
            return false; // no steady state
        } catch (const std::length_error&) {
            return false; // a queue without end in sight
        }
    };
    // Doubling to a total that meets it, then halving the gap to the fewest: each split
    // holds the smaller one's agents, so a total that meets it stays met above.
    int low = 0, high = 1;
    while (!meets(high)) {
        low = high;
        if (high == kMost)
            throw Unstable("no number of agents up to " + std::to_string(kMost) +
                           " meets the target");
        high = std::min(high * 2, kMost);
    }
    while (high - low > 1) {
        int mid = low + (high - low) / 2;
        (meets(mid) ? high : low) = mid;
    }
    Solved out{evaluate(at(high), load, target, run), std::nullopt, false};
    if (high > 1) out.less = evaluate_or_unstable(at(high - 1), load, target, run);
    for (Result* r : {&out.answer, out.less ? &*out.less : nullptr}) {
        if (!r || !r->stable) continue;
        bool by_point = verdict(*r, target, options, false);
        r->meets_target = verdict(*r, target, options, options.confidence);
        out.borderline =
            out.borderline || (!r->exact && by_point != verdict(*r, target, options, true));
    }
    return out;
}

} // namespace chatctl::sim
