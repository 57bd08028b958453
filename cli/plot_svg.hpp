// simulate --plot: plain SVG pictures (800 x 450) written by chatctl itself, no library:
// the service level and ASA against agents around a solve's answer, or the agents each
// interval of a day needs. Every text taken from the data is escaped for XML.
#pragma once

#include "core/model.hpp"

#include <string>
#include <string_view>

namespace chatctl::cli::svg {

// Text for XML content and attribute values: & < > " ' escaped, and the control
// characters XML 1.0 forbids left out.
std::string xml_text(std::string_view text);

// simulate's document (with `solved`) and the points of simulation::solve_curve.
std::string solve(const Json& doc, const Json& points);

// The document of simulation::size_day.
std::string day(const Json& doc);

} // namespace chatctl::cli::svg
