// chatctl(1), written from the command tree itself (`chatctl __man`), so that the man
// page lists exactly the commands and options the binary has.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>

namespace chatctl::cli {

void write_manpage(const CLI::App& app, std::ostream& out);

} // namespace chatctl::cli
