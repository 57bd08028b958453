// How `chatctl simulate` prints: a table per scenario for people, the JSON document as
// JSON or YAML, or one CSV row per figure.
#pragma once

#include "app.hpp"

#include <string>

namespace chatctl::cli {

void print_simulation(const Globals& g, const Json& result);

// What each figure means, for simulate's --help.
std::string simulation_definitions();

} // namespace chatctl::cli
