// The file simulate --plot writes: checked before any work, written whole or not at all.
#pragma once

#include <string>

namespace chatctl::cli {

// Refuses (invalid input), before any work, a path --plot cannot write: empty, `-`, a
// folder or another file that is not a regular one, or in a folder that is missing or
// not writable.
void check_plot_path(const std::string& path);

// Writes the picture: a temporary file beside it, then renamed over it, so a reader never
// sees half of one (a link is followed to its file). A new file gets 0666 less the umask,
// a replaced one keeps its mode. Invalid input, nothing changed, when it cannot.
void write_plot(const std::string& path, const std::string& svg);

} // namespace chatctl::cli
