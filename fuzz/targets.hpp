// What one fuzzing input exercises, shared by the libFuzzer targets and the replay test
// that runs every saved input in an ordinary build. An input may be refused with a
// chatctl::Error; anything else (a crash, another exception, a broken property) is a bug.
#pragma once

#include <string_view>

namespace chatctl::fuzz {

// Reads, validates and plans the bytes as a declaration, against an in-memory store,
// through the engine in dry-run mode.
void declaration(std::string_view input);

// The first byte picks a small parser or check; the rest is its input. Also checks that
// a string written as a YAML scalar reads back as itself.
void parsers(std::string_view input);

// Runs chatctl in-process on the words of the input (split at NUL bytes), against a
// store of its own: any exit code but 1 is fine, and a JSON error must be valid JSON.
void command_line(std::string_view input);

} // namespace chatctl::fuzz
