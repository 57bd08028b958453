// The entry point: everything is in run().
#include "run.hpp"

#include <string_view>

namespace chatctl::cli {
extern const std::string_view kOutline; // `chatctl --help`, written while building
}

int main(int argc, char** argv) {
    return chatctl::cli::run(argc, argv, chatctl::cli::kOutline);
}
