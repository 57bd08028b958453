// The entry point: everything is in run().
#include "run.hpp"

int main(int argc, char** argv) {
    return chatctl::cli::run(argc, argv);
}
