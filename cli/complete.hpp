// The hidden `chatctl __complete WORDS... CURRENT` the shell completions call: prints
// the candidates for CURRENT, one per line, from the real command tree and, for names,
// from the store opened read-only (nothing when there is none).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace chatctl::cli {

void complete(const CLI::App& app, const std::vector<std::string>& words,
              const std::string& current);

} // namespace chatctl::cli
