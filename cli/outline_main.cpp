// Run while chatctl is built: writes the C++ source of `chatctl --help`'s text, as CLI11
// renders it from the command tree, so that the binary prints it without building a tree.
#include "run.hpp"

#include <iostream>

int main() {
    const std::string text = chatctl::cli::outline_help();
    const std::string end = ")outline\"";
    if (text.find(end) != std::string::npos) {
        std::cerr << "chatctl_outline: the help holds " << end << ", the text's own end\n";
        return 1;
    }
    std::cout << "// Written by chatctl_outline (cli/outline_main.cpp) while chatctl is built.\n"
                 "#include <string_view>\n"
                 "namespace chatctl::cli {\n"
                 "extern const std::string_view kOutline;\n"
                 "const std::string_view kOutline = R\"outline("
              << text << end << ";\n}\n";
    return std::cout.flush() ? 0 : 1;
}
