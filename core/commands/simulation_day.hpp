// simulate --arrivals-profile: a day of intervals from a forecast, each sized as its own
// steady state (the industry's practice: no queue is carried from one interval to the
// next) by sim::solve with the interval's arrivals; and, for --plot with --solve, the
// service level and ASA against agents around the answer.
#pragma once

#include "core/commands/arrivals_profile.hpp"
#include "core/commands/simulation.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chatctl::simulation {

// Refuses (invalid input) a day whose solves would simulate more than the request's
// max_events, counted as check_work counts one solve, summed over the intervals.
void check_day_work(const Request& request, const ArrivalsProfile& profile);

// Each interval with chats sized by sim::solve on the last scenario's pools (the request's
// load at the interval's rate, its target, run and solve options); one without chats
// needs no agent. With shrinkage, the agents scheduled: agents / (1 - shrinkage), rounded
// up. The document: the echo of the load, target and run, the pools, each interval, and
// the day's totals (agent-hours).
Outcome size_day(const Request& request, const ArrivalsProfile& profile,
                 std::optional<double> shrinkage, const std::function<void()>& on_interval = {});

// --plot with --solve: the agents from answer - span to answer + span (at least 1), split
// as the solve splits them, each evaluated; those with no steady state are left out.
// Points: {agents, profiles (each with its agents), service_level, asa_seconds,
// slot_utilisation}, figures as run() gives them.
Json solve_curve(const Request& request, int answer, int span);
// check_work for the run and the points of solve_curve together.
void check_work_with_curve(const Request& request, int span);

} // namespace chatctl::simulation
