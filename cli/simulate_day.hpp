// simulate's --arrivals-profile (a day of intervals, each sized to the target) and --plot
// (an SVG picture of a solve or of a day): their options, their checks before anything is
// read, and the branch of the command that runs them.
#pragma once

#include "app.hpp"
#include "core/commands/simulation_day.hpp"

#include <optional>
#include <string>
#include <vector>

namespace chatctl::cli {

struct DayArgs {
    TextOption profile, interval, shrinkage, plot;
    const CLI::Option* arrivals = nullptr; // --arrivals, given (even empty) or not
    bool day() const { return profile.get().has_value(); }
};

// Adds the options, after --arrivals.
void add_day_options(CLI::App* command, DayArgs& a);

// Usage checks with the command's other options: --arrivals or --arrivals-profile, one of
// them; --target with the profile; --interval and --shrinkage with it; --plot with
// --solve or it. An empty value of any of these options is invalid input, first.
void check_day_args(const DayArgs& a, bool solve, bool target);

// What the options say, checked before the store is read: the profile read (invalid
// input at its bad rows), the shrinkage, the plot's path.
struct DayPlan {
    std::optional<simulation::ArrivalsProfile> profile;
    std::optional<double> shrinkage;
    std::optional<std::string> plot;
};
DayPlan prepare_day(const DayArgs& a, const std::vector<std::string>& files);

// The points --plot draws on each side of a solve's answer.
constexpr int kPlotSpan = 5;

// The request's scenarios made: sizes each interval, writes the plot, prints the day.
void run_day(const Globals& g, simulation::Request r, const DayPlan& plan);

// After a run with --solve: the curve around its answer drawn to path.
void plot_solve(const Globals& g, simulation::Request r, const Json& doc, const std::string& path);

} // namespace chatctl::cli
