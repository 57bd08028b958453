#include "simulate_day.hpp"

#include "core/csv/csv.hpp"
#include "diagnostics.hpp"
#include "out_file.hpp"
#include "output.hpp"
#include "plot_svg.hpp"
#include "progress.hpp"
#include "render_sim.hpp"
#include "user_args.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace chatctl::cli {

namespace {

std::string number_text(double v) {
    return simulation::printed("%.10g", v);
}

std::string percent_text(double v) {
    return simulation::printed("%.2f%%", v * 100);
}

std::string day_table(const Json& doc, bool color) {
    const Json& load = doc["load"];
    const Json& rows = doc["intervals"];
    const bool scheduled = !doc["shrinkage"].is_null();
    std::string out = (doc["tenant"].is_null() ? std::string("A pool")
                                               : "Tenant " + doc["tenant"].get<std::string>()) +
                      ": " + std::to_string(rows.size()) + " intervals of " +
                      duration_text(doc["interval_seconds"]) + " from " +
                      doc["arrivals_profile"].get<std::string>() + ", talk " +
                      duration_text(load["talk_seconds"]) + " (" +
                      load["talk_distribution"].get<std::string>() + ")";
    if (!load["patience_seconds"].is_null())
        out += ", patience " + duration_text(load["patience_seconds"]);
    out += ", target " + percent_text(doc["target"]["share"]) + " answered within " +
           duration_text(doc["target"]["seconds"]) + "\n";
    const Json& solve = doc["solve"];
    out += "Each interval sized as its own steady state: the fewest agents that meet the target";
    if (!solve["max_occupancy"].is_null())
        out += " with slot utilisation at most " + percent_text(solve["max_occupancy"]);
    if (solve["confidence"] == true) out += ", by the lower end of the 95% interval";
    out += "\n";
    const bool simulated = std::any_of(rows.begin(), rows.end(),
                                       [](const Json& r) { return r["method"] == "simulated"; });
    const Json& run = doc["run"];
    if (simulated)
        out += "Simulated: " + std::to_string(run["replications"].get<int>()) + " runs of " +
               duration_text(run["duration_seconds"]) + " after " +
               duration_text(run["warmup_seconds"]) + " warm-up, seed " +
               std::to_string(run["seed"].get<uint64_t>()) +
               "; ± is half the 95% confidence interval\n";
    else
        out += "Exact (birth-death chain)\n";
    std::vector<std::vector<std::string>> table{{"START", "END", "ARRIVALS", "AGENTS"}};
    if (scheduled) table[0].push_back("SCHEDULED");
    for (const char* h : {"SERVICE LEVEL", "ASA (s)", "OCCUPANCY"})
        table[0].push_back(h);
    bool borderline = false;
    for (const auto& r : rows) {
        std::string agents = std::to_string(r["agents"].get<int>());
        if (r["borderline"] == true) {
            agents += " *";
            borderline = true;
        }
        table.push_back({r["start"], r["end"], number_text(r["arrivals"]), agents});
        if (scheduled) table.back().push_back(std::to_string(r["scheduled"].get<int>()));
        table.back().push_back(figure_text(r["service_level"], true));
        table.back().push_back(figure_text(r["asa_seconds"], false));
        table.back().push_back(figure_text(r["occupancy"], true));
    }
    out += "\n" + render_table(std::move(table), color);
    if (borderline)
        out += "* borderline: another seed may answer otherwise (--solve-confidence asks for the "
               "bound)\n";
    const Json& t = doc["totals"];
    out += "\nThe day: " + number_text(t["arrivals"]) + " chats, " + number_text(t["agent_hours"]) +
           " agent-hours (at most " + std::to_string(t["peak_agents"].get<int>()) +
           " agents at once)";
    if (scheduled)
        out += "; scheduled at " + percent_text(doc["shrinkage"]) +
               " shrinkage: " + number_text(t["scheduled_hours"]) + " hours (at most " +
               std::to_string(t["peak_scheduled"].get<int>()) + " at once)";
    return out + "\n";
}

std::string day_csv(const Json& doc) {
    std::string out;
    csv::write_row(out, {"start", "end", "arrivals", "agents", "scheduled", "service_level",
                         "asa_seconds", "occupancy", "method"});
    auto value = [](const Json& v) { return v.is_null() ? std::string() : v["value"].dump(); };
    for (const auto& r : doc["intervals"])
        csv::write_row(out,
                       {r["start"], r["end"], number_text(r["arrivals"]), r["agents"].dump(),
                        r["scheduled"].is_null() ? "" : r["scheduled"].dump(),
                        value(r["service_level"]), value(r["asa_seconds"]), value(r["occupancy"]),
                        r["method"].is_null() ? "" : r["method"].get<std::string>()});
    return out;
}

} // namespace

void add_day_options(CLI::App* c, DayArgs& a) {
    a.arrivals = c->get_option("--arrivals");
    add_text_option(c, "--arrivals-profile", a.profile,
                    "A day of intervals instead of --arrivals: CSV of start,arrivals (08:30,120), "
                    "each interval sized to --target (- for standard input)",
                    "FILE.csv");
    add_text_option(c, "--interval", a.interval,
                    "With --arrivals-profile: the intervals' length (else the gap between starts)",
                    "DURATION");
    add_text_option(c, "--shrinkage", a.shrinkage,
                    "With --arrivals-profile: share of paid time off chats; adds the agents to "
                    "schedule, agents / (1 - shrinkage) rounded up",
                    "PCT");
    add_text_option(c, "--plot", a.plot,
                    "Draw an SVG picture: service level and ASA against agents (--solve), or the "
                    "agents each interval needs (--arrivals-profile)",
                    "FILE.svg");
}

void check_day_args(const DayArgs& a, bool solve, bool target) {
    for (auto [option, name] :
         {std::pair{&a.profile, "--arrivals-profile"}, std::pair{&a.interval, "--interval"},
          std::pair{&a.shrinkage, "--shrinkage"}})
        if (auto v = option->get(); v && v->empty())
            fail(ErrorKind::invalid_input, std::string(name) + " needs a value, not \"\"");
    if (auto p = a.plot.get(); p && p->empty())
        fail(ErrorKind::invalid_input, "--plot needs the SVG file to write, not \"\"");
    const bool arrivals = a.arrivals && a.arrivals->count() > 0;
    if (a.day() && arrivals)
        fail(ErrorKind::usage, "--arrivals-profile gives each interval's arrivals: no --arrivals "
                               "beside it");
    if (!a.day() && !arrivals)
        fail(ErrorKind::usage, "--arrivals is required (or --arrivals-profile FILE.csv)");
    if (a.day() && !target)
        fail(ErrorKind::usage,
             "--arrivals-profile needs --target, the service level each interval must meet");
    if (!a.day() && (a.interval.get() || a.shrinkage.get()))
        fail(ErrorKind::usage, "--interval and --shrinkage go with --arrivals-profile");
    if (a.plot.get() && !solve && !a.day())
        fail(ErrorKind::usage, "--plot draws a --solve or an --arrivals-profile: give one of them");
}

DayPlan prepare_day(const DayArgs& a, const std::vector<std::string>& files) {
    DayPlan plan;
    if (auto p = a.plot.get()) {
        check_plot_path(*p);
        plan.plot = *p;
    }
    if (auto s = a.shrinkage.get()) plan.shrinkage = simulation::parse_shrinkage(*s, "--shrinkage");
    std::optional<int> interval;
    if (auto i = a.interval.get()) interval = simulation::parse_interval(*i, "--interval");
    if (auto path = a.profile.get()) {
        if (*path == "-" && std::find(files.begin(), files.end(), "-") != files.end())
            fail(ErrorKind::usage, "standard input is read once: --arrivals-profile - or -f -, "
                                   "not both");
        plan.profile = simulation::read_arrivals_profile(read_source(*path), interval);
    }
    return plan;
}

void run_day(const Globals& g, simulation::Request r, const DayPlan& plan) {
    const auto ranges = std::count_if(r.scenarios.begin(), r.scenarios.end(), [](const auto& s) {
        return s.name.rfind("what-if", 0) == 0;
    });
    if (ranges > 1)
        fail(ErrorKind::usage, "--arrivals-profile sizes one set of profiles: no range in --set");
    simulation::check_day_work(r, *plan.profile);
    simulation::Outcome out;
    {
        Progress progress(g, "intervals", plan.profile->intervals.size());
        r.run.on_replication = nullptr;
        out = simulation::size_day(r, *plan.profile, plan.shrinkage, [&] { progress.add(); });
    } // erased before anything is printed
    for (const auto& w : out.warnings)
        warn(g, Diagnostic{"simulate", 0, 0, w});
    if (plan.plot) write_plot(*plan.plot, svg::day(out.doc));
    print_data(g, out.doc,
               g.format() == Format::csv ? day_csv(out.doc) : day_table(out.doc, g.color()));
}

void plot_solve(const Globals& g, simulation::Request r, const Json& doc, const std::string& path) {
    if (doc["solved"].is_null()) return;
    Json points;
    {
        Progress progress(g, "replications",
                          static_cast<uint64_t>(2 * kPlotSpan + 1) *
                              static_cast<uint64_t>(r.run.replications));
        r.run.on_replication = [&] { progress.add(); };
        points = simulation::solve_curve(r, doc["solved"]["figures"][0]["agents"], kPlotSpan);
    }
    write_plot(path, svg::solve(doc, points));
}

} // namespace chatctl::cli
