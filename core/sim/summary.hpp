// The figures of simulated replications: time averages by the mean of the replications'
// values, ratios of counts by the ratio of their sums, each with its 95% interval
// (Student's t; the delta method for a ratio).
#pragma once

#include "core/sim/des.hpp"
#include "core/sim/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace chatctl::sim {

// The figures of a scope (the tenant, or pool p) over the replications: time averages by
// their mean, ratios of counts by the ratio of their sums (delta-method intervals).
Measures summarize(const std::vector<Replication>& reps, std::optional<size_t> pool,
                   const std::string& scope, int agents, int slots);

// The 97.5% quantile of Student's t with `df` degrees of freedom.
double t_quantile(int df);

} // namespace chatctl::sim
