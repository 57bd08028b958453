// The whole of chatctl as a function, for main() and for the fuzzer of the command line.
#pragma once

namespace chatctl::cli {

// Runs chatctl with these arguments (argv[0] is the program) and returns its exit code.
int run(int argc, char** argv);

} // namespace chatctl::cli
