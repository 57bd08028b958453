// `user import --map FIELD=COLUMN`: the column a field is read from when the file names it
// otherwise, or the columns a template joins (`name={first name} {last name}`).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace chatctl::csv {

// A name as columns are matched: spaces and tabs around it ignored, ASCII case folded.
std::string column_key(const std::string& name);

// A column as --map names it: by its header name, or by its place (`#N`, from 1).
struct ColumnRef {
    std::string name;
    std::optional<size_t> index; // #N: N - 1
};

// A template is text and columns in turn; a plain mapping is one column.
struct Part {
    std::string text;
    std::optional<ColumnRef> column;
};

struct Mapping {
    size_t field = 0; // its index in fields
    std::vector<Part> parts;
    std::string given; // FIELD=COLUMN as given
    bool is_template() const { return parts.size() != 1 || !parts[0].column; }
};

// Reads each FIELD=COLUMN; FIELD must be one of fields, at most once. The first malformed
// one is a usage error.
std::vector<Mapping> parse_mappings(const std::vector<std::string>& texts,
                                    const std::vector<std::string>& fields);

// `--columns A,B` of a list printed as CSV: each one of fields (any case, spaces around
// ignored), none twice, in the order given. The first wrong one is a usage error.
std::vector<std::string> picked_columns(const std::vector<std::string>& names,
                                        const std::vector<std::string>& fields);

} // namespace chatctl::csv
