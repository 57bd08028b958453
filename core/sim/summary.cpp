#include "core/sim/summary.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <functional>

namespace chatctl::sim {

namespace {

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

const Tally& scope_of(const Replication& r, std::optional<size_t> pool) {
    return pool ? r.pools[*pool] : r.tenant;
}

// A figure that is a mean over time (every replication measures as long): the mean of
// the replications' values.
Figure over(const std::vector<Replication>& reps, std::optional<size_t> pool, const Extract& f) {
    std::vector<double> values;
    values.reserve(reps.size());
    for (const auto& r : reps)
        values.push_back(f(scope_of(r, pool), r.measured_seconds));
    return figure(values);
}

// A figure that is a ratio of counts (waited / arrivals): the ratio of the sums over the
// replications, its interval by the delta method. The mean of each replication's ratio
// would carry that ratio's bias (+0.0013 on a service level of 8 h runs at 30 slots).
Figure pooled(const std::vector<Replication>& reps, std::optional<size_t> pool,
              const std::function<double(const Tally&)>& num,
              const std::function<double(const Tally&)>& den, double most = HUGE_VAL) {
    double y = 0, x = 0;
    for (const auto& r : reps) {
        y += num(scope_of(r, pool));
        x += den(scope_of(r, pool));
    }
    if (x <= 0) return Figure{0, std::nullopt, std::nullopt, false}; // nothing to count
    const double value = y / x, n = static_cast<double>(reps.size());
    if (reps.size() < 2) return Figure{value, std::nullopt, std::nullopt};
    double residuals = 0;
    for (const auto& r : reps) {
        double d = num(scope_of(r, pool)) - value * den(scope_of(r, pool));
        residuals += d * d;
    }
    const double mean_x = x / n;
    const double half =
        t_quantile(static_cast<int>(reps.size()) - 1) * std::sqrt(residuals / (n - 1) / n) / mean_x;
    // Within what the figure can be: a share stays in [0, 1].
    return Figure{value, std::max(value - half, 0.0), std::min(value + half, most)};
}

double ratio(double a, double b) {
    return b > 0 ? a / b : 0;
}

} // namespace

Measures summarize(const std::vector<Replication>& reps, std::optional<size_t> pool,
                   const std::string& scope, int agents, int slots) {
    Measures m;
    m.scope = scope;
    m.agents = agents;
    m.slots = slots;
    // The tenant's: arrivals x the mean hold of answered chats; a profile's: what it carried.
    m.offered_load = over(reps, pool, [&](const Tally& t, double s) {
        return pool ? t.hold / s : ratio(t.hold, t.answered) * t.arrivals / s;
    });
    using T = const Tally&;
    m.mean_concurrency = pooled(
        reps, pool, [](T t) { return t.slot_time; }, [](T t) { return t.busy_agent_time; });
    // A profile's own figures are over the chats its agents answered.
    auto base = [&](T t) { return pool ? t.answered : t.arrivals; };
    m.wait_probability = pooled(
        reps, pool, [](T t) { return t.waited; }, base);
    m.asa_seconds = pooled(
        reps, pool, [](T t) { return t.answered_wait; }, [](T t) { return t.answered; });
    m.service_level = pooled(
        reps, pool, [](T t) { return t.within; }, base);
    m.slot_utilisation =
        over(reps, pool, [&](const Tally& t, double s) { return ratio(t.slot_time, s * slots); });
    m.agent_busy_share = over(
        reps, pool, [&](const Tally& t, double s) { return ratio(t.busy_agent_time, s * agents); });
    if (!pool) {
        auto arrivals = [](T t) { return t.arrivals; };
        m.mean_wait_seconds = pooled(
            reps, pool, [](T t) { return t.all_wait; }, arrivals);
        m.abandonment = pooled(
            reps, pool, [](T t) { return t.abandoned; }, arrivals);
    }
    return m;
}

double t_quantile(int df) {
    // In double throughout: promoting to long double instantiates initialisers that run
    // at start-up (and abort under valgrind, whose long double has 64 bits).
    using Policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
    boost::math::students_t_distribution<double, Policy> t(df);
    return boost::math::quantile(boost::math::complement(t, 0.025));
}

} // namespace chatctl::sim
