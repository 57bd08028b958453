// How a CSV file from another system is written: the character between its fields and
// the encoding of its text. chatctl reads UTF-8 with commas; other files are named so.
#pragma once

#include "core/decl/declaration.hpp"

#include <functional>
#include <string>

namespace chatctl::csv {

// The separators a file may use, in the order detection prefers them on a tie.
inline constexpr char kDelimiters[] = {',', ';', '\t', '|'};

// The one of kDelimiters that splits the first line of text into the most fields that
// count, of those that give it at least min_fields fields; when none counts any, the one
// that gives the most fields. A tie goes to the first.
char detect_delimiter(const std::string& file, const Input& text,
                      const std::function<bool(const std::string&)>& counts, size_t min_fields);

// ",", ";", "tab" (or a tab), "|": the separator; anything else is a usage error.
char delimiter_named(const std::string& name);
// As a message names it: ',' ';' tab '|'.
std::string delimiter_shown(char delimiter);

// The encodings a file may be read from; any other name is a usage error.
inline const char* const kEncodings[] = {"utf-8", "windows-1252", "iso-8859-1", "iso-8859-15",
                                         "utf-16"};
void check_encoding(const std::string& name);

// The file's text as UTF-8. A UTF-8 file is only checked, as it is read: its first invalid
// byte is invalid input at its line and column, with a hint to name the encoding. Another
// encoding (named in any case) is converted with iconv a block at a time into text held
// whole in memory (read_sources caps a file at 512 MiB); a byte that has no character in
// it is invalid input at its place. UTF-16 must start with its byte order mark.
Input utf8_text(const Source& source, const std::string& encoding);

} // namespace chatctl::csv
