#include "core/csv/column_map.hpp"

#include "core/csv/csv.hpp"
#include "core/error.hpp"
#include "core/model.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <charconv>

namespace chatctl::csv {

namespace {

using validate::quote;

[[noreturn]] void malformed(const std::string& given, const std::string& why) {
    fail(ErrorKind::invalid_input, "--map " + quote(given) + ": " + why,
         {"--map FIELD=COLUMN: COLUMN is a header name, #N for the Nth column, or a template "
          "such as '{first name} {last name}'"});
}

ColumnRef column_ref(const std::string& text, const std::string& given) {
    size_t b = text.find_first_not_of(" \t"), e = text.find_last_not_of(" \t");
    if (b == std::string::npos) malformed(given, "a column has no name");
    const std::string name = text.substr(b, e - b + 1);
    if (name[0] != '#') return ColumnRef{name, std::nullopt};
    size_t n = 0;
    const char* end = name.data() + name.size();
    auto [at, ec] = std::from_chars(name.data() + 1, end, n);
    if (ec != std::errc() || at != end || n < 1 || n > kMaxFields)
        malformed(given,
                  quote(name) + " is no column number (#1 to #" + std::to_string(kMaxFields) + ")");
    return ColumnRef{name, n - 1};
}

std::vector<Part> parts_of(const std::string& column, const std::string& given) {
    if (column.find_first_of("{}") == std::string::npos)
        return {Part{"", column_ref(column, given)}};
    std::vector<Part> parts;
    for (size_t i = 0; i < column.size();) {
        const size_t open = column.find_first_of("{}", i);
        if (open == std::string::npos) {
            parts.push_back(Part{column.substr(i), std::nullopt});
            break;
        }
        if (column[open] == '}') malformed(given, "a } closes no {");
        if (open > i) parts.push_back(Part{column.substr(i, open - i), std::nullopt});
        const size_t close = column.find_first_of("{}", open + 1);
        if (close == std::string::npos || column[close] == '{')
            malformed(given, "a { is not closed by }");
        parts.push_back(Part{"", column_ref(column.substr(open + 1, close - open - 1), given)});
        i = close + 1;
    }
    return parts;
}

} // namespace

std::string column_key(const std::string& name) {
    const size_t b = name.find_first_not_of(" \t"), e = name.find_last_not_of(" \t");
    return b == std::string::npos ? "" : fold(name.substr(b, e - b + 1));
}

std::vector<Mapping> parse_mappings(const std::vector<std::string>& texts,
                                    const std::vector<std::string>& fields) {
    std::vector<Mapping> mappings;
    for (const std::string& given : texts) {
        const size_t eq = given.find('=');
        if (eq == std::string::npos) malformed(given, "give FIELD=COLUMN");
        const std::string field = given.substr(0, eq);
        const auto it = std::find(fields.begin(), fields.end(), column_key(field));
        if (it == fields.end()) {
            std::string all;
            for (const auto& f : fields)
                all += (all.empty() ? "" : ", ") + f;
            malformed(given, quote(field) + " is no field (fields: " + all + ")");
        }
        Mapping m{static_cast<size_t>(it - fields.begin()), parts_of(given.substr(eq + 1), given),
                  given};
        for (const Mapping& other : mappings)
            if (other.field == m.field)
                malformed(given,
                          "field " + *it + " is mapped twice (also by " + quote(other.given) + ")");
        mappings.push_back(std::move(m));
    }
    return mappings;
}

std::vector<std::string> picked_columns(const std::vector<std::string>& names,
                                        const std::vector<std::string>& fields) {
    std::vector<std::string> picked;
    for (const std::string& given : names) {
        const std::string name = column_key(given);
        if (std::find(fields.begin(), fields.end(), name) == fields.end()) {
            const std::string near = validate::closest(name, fields);
            std::string all;
            for (const auto& f : fields)
                all += (all.empty() ? "" : ", ") + f;
            fail(ErrorKind::invalid_input,
                 "--columns names " + quote(given) + ", which is no column" +
                     (near.empty() ? "" : "; did you mean " + quote(near) + "?"),
                 {"columns: " + all});
        }
        if (std::find(picked.begin(), picked.end(), name) != picked.end())
            fail(ErrorKind::invalid_input, "--columns names " + quote(name) + " twice");
        picked.push_back(name);
    }
    return picked;
}

} // namespace chatctl::csv
