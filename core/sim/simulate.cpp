#include "core/sim/simulate.hpp"

#include "core/sim/des.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <functional>

namespace chatctl::sim {

namespace {

int slots_of(const std::vector<Pool>& pools) {
    int n = 0;
    for (const auto& p : pools)
        n += p.agents * p.max_chats;
    return n;
}

int agents_of(const std::vector<Pool>& pools) {
    int n = 0;
    for (const auto& p : pools)
        n += p.agents;
    return n;
}

// The mean hold of a chat when slots are taken alike: talk, then the wrap-up of the
// slots' profiles, weighted by their number.
double mean_hold(const std::vector<Pool>& pools, const Load& load) {
    double wrap = 0;
    for (const auto& p : pools)
        wrap += static_cast<double>(p.agents * p.max_chats) * p.wrap_up_seconds;
    int slots = slots_of(pools);
    return load.talk_seconds + (slots > 0 ? wrap / slots : 0);
}

// Mean and 95% interval of one figure over the replications.
Figure figure(const std::vector<double>& values) {
    const auto n = static_cast<double>(values.size());
    double mean = 0;
    for (double v : values)
        mean += v / n;
    if (values.size() < 2) return Figure{mean, std::nullopt, std::nullopt};
    double var = 0;
    for (double v : values)
        var += (v - mean) * (v - mean) / (n - 1);
    double half = t_quantile(static_cast<int>(values.size()) - 1) * std::sqrt(var / n);
    return Figure{mean, mean - half, mean + half};
}

using Extract = std::function<double(const Tally&, double seconds)>;

// A figure of a scope (the tenant, or pool p) over every replication.
Figure over(const std::vector<Replication>& reps, std::optional<size_t> pool, const Extract& f) {
    std::vector<double> values;
    values.reserve(reps.size());
    for (const auto& r : reps)
        values.push_back(f(pool ? r.pools[*pool] : r.tenant, r.measured_seconds));
    return figure(values);
}

double ratio(double a, double b) {
    return b > 0 ? a / b : 0;
}

Measures simulated(const std::vector<Replication>& reps, std::optional<size_t> pool,
                   const std::string& scope, int agents, int slots) {
    Measures m;
    m.scope = scope;
    m.agents = agents;
    m.slots = slots;
    // The tenant's: arrivals x the mean hold of answered chats; a profile's: what it carried.
    m.offered_load = over(reps, pool, [&](const Tally& t, double s) {
        return pool ? t.hold / s : ratio(t.hold, t.answered) * t.arrivals / s;
    });
    // A profile's own figures are over the chats its agents answered.
    auto base = [&](const Tally& t) { return pool ? t.answered : t.arrivals; };
    m.wait_probability =
        over(reps, pool, [&](const Tally& t, double) { return ratio(t.waited, base(t)); });
    m.asa_seconds =
        over(reps, pool, [](const Tally& t, double) { return ratio(t.answered_wait, t.answered); });
    m.service_level =
        over(reps, pool, [&](const Tally& t, double) { return ratio(t.within, base(t)); });
    m.slot_utilisation =
        over(reps, pool, [&](const Tally& t, double s) { return ratio(t.slot_time, s * slots); });
    m.agent_busy_share = over(
        reps, pool, [&](const Tally& t, double s) { return ratio(t.busy_agent_time, s * agents); });
    if (!pool) {
        m.mean_wait_seconds =
            over(reps, pool, [](const Tally& t, double) { return ratio(t.all_wait, t.arrivals); });
        m.abandonment =
            over(reps, pool, [](const Tally& t, double) { return ratio(t.abandoned, t.arrivals); });
    }
    return m;
}

Figure exact(double value) {
    return Figure{value, std::nullopt, std::nullopt};
}

// The agents in all, shared as the pools share them now.
std::vector<Pool> scaled(const std::vector<Pool>& pools, int total) {
    std::vector<double> weight;
    double sum = 0;
    for (const auto& p : pools)
        sum += weight.emplace_back(p.agents);
    if (sum == 0) {
        std::fill(weight.begin(), weight.end(), 1.0);
        sum = static_cast<double>(pools.size());
    }
    std::vector<Pool> out = pools;
    std::vector<std::pair<double, size_t>> remainders;
    int given = 0;
    for (size_t i = 0; i < pools.size(); ++i) {
        double share = total * weight[i] / sum;
        out[i].agents = static_cast<int>(std::floor(share));
        given += out[i].agents;
        remainders.emplace_back(share - std::floor(share), i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t k = 0; given < total; ++k, ++given)
        ++out[remainders[k % remainders.size()].second].agents;
    return out;
}

} // namespace

double t_quantile(int df) {
    boost::math::students_t t(df);
    return boost::math::quantile(boost::math::complement(t, 0.025));
}

bool exact_for(const std::vector<Pool>& pools, const Load& load) {
    if (load.talk_shape != TalkShape::exponential) return false;
    std::optional<int> max;
    for (const auto& p : pools) {
        if (p.agents == 0) continue;
        if (p.wrap_up_seconds != 0 || (max && *max != p.max_chats)) return false;
        max = p.max_chats;
    }
    return true;
}

Result evaluate(const Scenario& scenario, const Load& load, const Target& target,
                const RunOptions& run) {
    const auto& pools = scenario.pools;
    const int slots = slots_of(pools), agents = agents_of(pools);
    if (slots == 0) throw Unstable("scenario " + scenario.name + " has no agent");
    const double hold = mean_hold(pools, load);
    ChainFigures chain;
    bool stable = true;
    try {
        chain = birth_death(load.arrivals_per_second, hold, slots, load.patience_seconds,
                            target.seconds);
    } catch (const std::domain_error&) {
        stable = false;
    }
    // Without patience, a load at or over the slots has no steady state (for exponential
    // holds exactly; for others the same load cannot be carried either).
    if (!stable) {
        char erlangs[32];
        std::snprintf(erlangs, sizeof erlangs, "%.2f", load.arrivals_per_second * hold);
        throw Unstable("scenario " + scenario.name + ": the load, " + erlangs +
                       " Erlangs, is at or over its " + std::to_string(slots) +
                       " slots; waits would grow without end");
    }
    std::vector<Replication> reps;
    reps.reserve(static_cast<size_t>(run.replications));
    for (int r = 0; r < run.replications; ++r) {
        reps.push_back(replicate(pools, load, target, run, r));
        if (run.on_replication) run.on_replication();
    }
    Result out;
    out.scenario = scenario;
    out.exact = exact_for(pools, load);
    out.measures.push_back(simulated(reps, std::nullopt, "tenant", agents, slots));
    for (size_t p = 0; p < pools.size(); ++p)
        out.measures.push_back(simulated(reps, p, pools[p].profile, pools[p].agents,
                                         pools[p].agents * pools[p].max_chats));
    Measures& t = out.measures[0];
    if (out.exact) {
        t.offered_load = exact(chain.offered_load);
        t.wait_probability = exact(chain.wait_probability);
        t.asa_seconds = exact(chain.asa_seconds);
        t.mean_wait_seconds = exact(chain.mean_wait_seconds);
        t.service_level = exact(chain.service_level);
        t.abandonment = exact(chain.abandonment);
        t.slot_utilisation = exact(chain.slot_utilisation);
    } else {
        out.approximation = chain;
    }
    out.meets_target = t.service_level.value >= target.share;
    return out;
}

Result solve(const Scenario& scenario, const Load& load, const Target& target,
             const RunOptions& run) {
    constexpr int kMost = 100000;
    // Whether `total` agents meet the target: by the chain alone where it is exact.
    auto meets = [&](int total) {
        Scenario s{scenario.name, scaled(scenario.pools, total)};
        try {
            if (!exact_for(s.pools, load)) return evaluate(s, load, target, run).meets_target;
            int slots = slots_of(s.pools);
            return slots > 0 && birth_death(load.arrivals_per_second, mean_hold(s.pools, load),
                                            slots, load.patience_seconds, target.seconds)
                                        .service_level >= target.share;
        } catch (const Unstable&) {
        } catch (const std::domain_error&) {
        }
        return false;
    };
    // Doubling to a total that meets it, then halving the gap to the fewest.
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
    return evaluate(Scenario{scenario.name, scaled(scenario.pools, high)}, load, target, run);
}

} // namespace chatctl::sim
