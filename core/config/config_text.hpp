// The config file's bytes: places from yaml-cpp's marks, where a scalar ends, values
// written as YAML, and the file replaced atomically.
#pragma once

#include "core/config/config.hpp"

#include <string>
#include <yaml-cpp/yaml.h>

namespace chatctl::config {

// The bytes yaml-cpp is given: the text without a UTF-8 byte order mark.
std::string without_bom(const std::string& text);
// Where yaml-cpp's position `pos` (in without_bom(text)) is in text.
size_t offset_of(const std::string& text, const YAML::Mark& mark);
// Line and column (in characters), 1-based; {0, 0} for a mark that is nowhere.
Place place_of(const std::string& text, const YAML::Mark& mark);

// Where the scalar that starts at `start` ends (one past its last byte): a quoted one at
// its closing quote, a plain one before a comment or the end of its line (or , } ] in a
// flow mapping). npos when it
// cannot tell (a plain scalar continued on the next line, a block scalar).
size_t scalar_end(const std::string& text, size_t start, bool in_flow);

// A text as a YAML scalar: plain when nothing in it could be read otherwise, else in
// double quotes with escapes.
std::string yaml_scalar(const std::string& value);

// Replaces the file at `path` with `text`: a temporary file beside it (through a symlink,
// beside its target) renamed over it, with the old file's mode (0600 for a new one).
void replace_file(const std::string& path, const std::string& text, bool exists);

} // namespace chatctl::config
