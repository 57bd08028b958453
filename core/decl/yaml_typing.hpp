// How a declaration types a YAML scalar: the YAML 1.2 core schema for plain scalars,
// strictly, and a quoted or !!str-tagged scalar always a string ("5" is not 5).
#pragma once

#include <cstddef>
#include <string_view>

namespace chatctl::yaml_typing {

// The tag the reader gives a scalar: as written, or these two for an untagged one.
constexpr std::string_view kPlain = "?";  // an untagged plain scalar
constexpr std::string_view kQuoted = "!"; // an untagged quoted or block scalar

// A value longer than this fits no field; it is refused before any pattern runs on it
// (std::regex recurses once per character).
constexpr size_t kMaxBytes = 4096;

enum class Type { null, boolean, integer, fraction, string };

bool is_plain(std::string_view tag);      // untagged plain, or no tag at all
bool is_string_tag(std::string_view tag); // quoted, `!` or `!!str`
bool is_null(std::string_view plain);     // "", ~, null, Null, NULL

// The type of an untagged plain scalar. A fraction (1.5, 1e3) is a number a declaration
// refuses: its numbers are integers.
Type type_of_plain(std::string_view text);

} // namespace chatctl::yaml_typing
