// The whole of chatctl as a function, for main() and for the fuzzer of the command line.
#pragma once

#include <string>
#include <string_view>

namespace chatctl::cli {

// Runs chatctl with these arguments (argv[0] is the program) and returns its exit code.
// `outline` is what `chatctl --help` prints, rendered when the binary was built (see
// outline_main.cpp); empty, it is rendered on the spot.
int run(int argc, char** argv, std::string_view outline = {});

// `chatctl --help`: chatctl's own options and each command's name and summary, as CLI11
// renders them.
std::string outline_help();

} // namespace chatctl::cli
