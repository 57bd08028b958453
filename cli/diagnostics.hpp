// Diagnostics as chatctl writes them on stderr: at their place in a file, and with
// --error-format github also as GitHub Actions workflow commands.
#pragma once

#include "app.hpp"
#include "core/error.hpp"

#include <string>

namespace chatctl::cli {

// FILE:LINE:COLUMN of a diagnostic (FILE alone where it has no line).
std::string position(const Diagnostic& d);
// A warning at a place in a file, on stderr (not with -q): `FILE:LINE:COLUMN: warning:
// MESSAGE`, and with --error-format github also `::warning file=...::MESSAGE`.
void warn(const Globals& g, const Diagnostic& warning);
// A diagnostic as a GitHub Actions workflow command (`::error file=F,line=L,col=C::M`).
std::string github_annotation(const char* level, const Diagnostic& d);

} // namespace chatctl::cli
