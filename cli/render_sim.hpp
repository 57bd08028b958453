// How `chatctl simulate` prints: a table per scenario for people, the JSON document as
// JSON or YAML, or one CSV row per figure.
#pragma once

#include "app.hpp"

#include <string>

namespace chatctl::cli {

void print_simulation(const Globals& g, const Json& result);

// "90s", "4m", "8h": a duration as the tables say it.
std::string duration_text(double seconds);
// A figure's cell: its value ("85.20%" for a share, "7.84" else), with "±" half its 95%
// interval where simulated; "-" for null.
std::string figure_text(const Json& f, bool share);

// What each figure means, for simulate's --help.
std::string simulation_definitions();

} // namespace chatctl::cli
