// Replays every saved fuzzing input (fuzz/regressions/) and the seeds (examples and test
// fixtures) through the fuzz targets' code, in the ordinary build: a crash found once
// stays a test.
#include "targets.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

int replay(const fs::path& dir, void (*target)(std::string_view)) {
    int count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().filename() == ".gitkeep") continue;
        CAPTURE(entry.path().string());
        target(slurp(entry.path()));
        ++count;
    }
    return count;
}

} // namespace

TEST_CASE("saved fuzzing inputs and seeds run without a crash") {
    const fs::path src = CHATCTL_SOURCE_DIR;
    int declarations = replay(src / "fuzz/regressions/declaration", chatctl::fuzz::declaration) +
                       replay(src / "examples", chatctl::fuzz::declaration) +
                       replay(src / "tests/fixtures", chatctl::fuzz::declaration);
    int parsers = replay(src / "fuzz/regressions/parsers", chatctl::fuzz::parsers);
    int command_lines = replay(src / "fuzz/regressions/command_line", chatctl::fuzz::command_line);
    CHECK(declarations >= 30);
    MESSAGE("replayed " << declarations << " declaration inputs, " << parsers
                        << " parser inputs and " << command_lines << " command lines");
}
