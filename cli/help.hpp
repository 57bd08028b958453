// Each command's --help as CLI11 renders it through a formatter of chatctl's own: the
// global options and the examples after the command's own.
#pragma once

#include <CLI/CLI.hpp>

namespace chatctl::cli {

// Every command's --help shows the global options too: call before adding commands.
void use_help_formatter(CLI::App& app);

// Puts each command's examples in its help footer (examples.cpp).
void add_examples(CLI::App& app);

} // namespace chatctl::cli
