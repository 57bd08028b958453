// The shells' completion scripts (completions/), taken into the binary while it is built,
// so that `chatctl completion SHELL` prints the very file that is installed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chatctl::cli {

inline const std::vector<std::string> kCompletionShells = {"bash", "zsh", "fish"};

// The script for bash, zsh or fish (as kCompletionShells names them); "" for another.
std::string_view completion_script(std::string_view shell);

} // namespace chatctl::cli
