// CSV (RFC 4180) through libcsv: records read from an Input with the place of each field,
// and rows written with the quoting the RFC asks for.
#pragma once

#include "core/decl/input.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chatctl::csv {

// A record longer than this, or of more fields, is refused while it is read: a row of
// every column chatctl knows at its longest is under 4 KiB (and 5 fields), and a hostile
// file (a line of a million commas) is never held whole.
inline constexpr size_t kMaxRecord = size_t{16} * 1024;
inline constexpr size_t kMaxFields = 64;

struct Field {
    std::string text;
    Position at; // where it starts (line 1-based, column in code points, 1-based)
};

struct Record {
    std::vector<Field> fields;
    Position at;
};

// Reads every record of input in order, handing each to f (an empty line is no record;
// CRLF and LF both end one; a UTF-8 byte order mark at the start is skipped); fields are
// separated by delimiter (one of dialect.hpp's kDelimiters). Returns
// nullopt, or the first fault that stops reading (an unbalanced quote, text after a
// closing quote, a record past kMaxRecord bytes or kMaxFields fields) with its place.
std::optional<Diagnostic> read(const std::string& file, const Input& input,
                               const std::function<void(Record&)>& f, char delimiter = ',');

// Appends one row, cells separated by delimiter: each cell as is, or quoted (with its
// quotes doubled) when it holds the delimiter, a quote, a line end, or space at either
// end, as RFC 4180 quotes; then LF, the line end Unix tools expect (read() takes both).
void write_row(std::string& out, const std::vector<std::string>& cells, char delimiter = ',');

} // namespace chatctl::csv
