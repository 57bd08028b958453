// The files a command writes besides its output (simulate --plot, export --split):
// checked before any work, written whole or not at all.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace chatctl::cli {

// Refuses (invalid input, naming `option`), before any work, a path that cannot be
// written: a folder or another file that is not a regular one, or in a folder that is
// missing or not writable.
void check_out_path(const std::string& path, const std::string& option);

// Writes the file through `write`: a temporary file beside it, then renamed over it, so
// a reader never sees half of one (a link is followed to its file). A new file gets 0666
// less the umask, a replaced one keeps its mode. Invalid input, nothing changed, when it
// cannot be written; what `write` throws leaves nothing changed either.
void write_replacing(const std::string& path, const std::string& option,
                     const std::function<void(std::ostream&)>& write);

// simulate --plot: also refuses an empty path and `-`.
void check_plot_path(const std::string& path);
void write_plot(const std::string& path, const std::string& svg);

} // namespace chatctl::cli
