// Temporary files with no name on disk: whatever ends chatctl (a signal, SIGKILL
// included), none is left behind holding what it was writing (plan lines, logins, emails).
#pragma once

#include <cstdio>
#include <string>

namespace chatctl {

// The folder temporary files go in: $TMPDIR, else /tmp.
std::string temp_folder();

// A new, empty file in temp_folder(), open for reading and writing, that has no name:
// O_TMPFILE where the filesystem has it, else made and unlinked at once. Its descriptor is
// never 0, 1 or 2. Fails (internal) saying why.
std::FILE* unnamed_temp_file();

} // namespace chatctl
