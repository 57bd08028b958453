// An error as chatctl reports it (run.cpp is the one caller): the exit code of its kind,
// and its text on stderr.
#pragma once

#include "core/error.hpp"

namespace chatctl::cli {

// Writes the error to stderr, as one JSON object with json; with github, each diagnostic
// with a file also as a GitHub Actions workflow command; with color, `error:` painted.
// Returns its exit code.
int report(const Error& e, bool json, bool github = false, bool color = false);

} // namespace chatctl::cli
