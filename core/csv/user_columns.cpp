#include "core/csv/user_columns.hpp"

#include "core/csv/dialect.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <utility>

namespace chatctl::csv {

namespace {

using validate::quote;

} // namespace

UserColumns::UserColumns(const ImportOptions& options, Report report)
    : options_(options), report_(std::move(report)) {}

void UserColumns::read_mappings() {
    mappings_ = parse_mappings(options_.map, known_);
}

void UserColumns::header(const Record& r) {
    width_ = r.fields.size();
    std::vector<bool> read(width_);
    std::array<bool, kColumns> mapped{};
    for (const Mapping& m : mappings_) {
        mapped[m.field] = true;
        FieldSource source{{}, m.is_template()};
        bool resolved = true;
        for (const Part& part : m.parts) {
            std::optional<size_t> column;
            if (part.column && !(column = column_of(r, *part.column, m))) resolved = false;
            if (column) read[*column] = true;
            source.pieces.push_back(Piece{part.text, column});
        }
        if (resolved) sources_[m.field] = std::move(source);
    }
    std::vector<bool> ignored_found(options_.ignore_columns.size());
    std::vector<size_t> unknown;
    for (size_t i = 0; i < width_ && !options_.no_header; ++i) {
        const Field& f = r.fields[i];
        const std::string wanted = column_key(f.text);
        auto ignored =
            std::find_if(options_.ignore_columns.begin(), options_.ignore_columns.end(),
                         [&](const std::string& name) { return column_key(name) == wanted; });
        if (ignored != options_.ignore_columns.end()) {
            ignored_found[static_cast<size_t>(ignored - options_.ignore_columns.begin())] = true;
            if (read[i])
                problem(f.at, "column " + quote(f.text) +
                                  " is both read by --map and skipped by --ignore-columns");
            continue;
        }
        const size_t c =
            static_cast<size_t>(std::find(known_.begin(), known_.end(), wanted) - known_.begin());
        if (c < kColumns && !mapped[c]) {
            if (sources_[c])
                problem(f.at, "column " + quote(f.text) + " is given twice");
            else
                sources_[c] = FieldSource{{Piece{"", i}}, false};
        } else if (!read[i] && !options_.ignore_unknown_columns) {
            unknown.push_back(i);
        }
    }
    if (options_.no_header && !options_.ignore_unknown_columns) { // named by place only
        std::string unread;
        for (size_t i = 0; i < width_; ++i)
            if (!read[i]) unread += (unread.empty() ? "#" : ", #") + std::to_string(i + 1);
        if (!unread.empty())
            problem(r.at, "no --map reads column" +
                              std::string(unread.find(',') == std::string::npos ? " " : "s ") +
                              unread +
                              " (--ignore-unknown-columns skips the columns no field reads)");
    }
    if (!unknown.empty()) unknown_columns(r, unknown, mapped);
    for (size_t k = 0; k < ignored_found.size(); ++k)
        if (!ignored_found[k])
            problem(r.at, "--ignore-columns names " + quote(options_.ignore_columns[k]) +
                              (options_.no_header ? ", but the file has no header to name it"
                                                  : ", which the header does not have"));
    if (!sources_[login] && !mapped[login])
        problem(r.at, options_.no_header ? "no column is read as the login: give --map login=#N"
                                         : "the header has no login column (it is required; --map "
                                           "login=COLUMN reads it from another)");
    if (!sources_[tenant_column] && !mapped[tenant_column] && !options_.tenant)
        problem(r.at, "the header has no tenant column: give -t TENANT, or a tenant column "
                      "naming each row's tenant");
}

void UserColumns::unknown_columns(const Record& r, const std::vector<size_t>& unknown,
                                  const std::array<bool, kColumns>& mapped) {
    std::string names, near;
    for (size_t i : unknown) {
        const std::string& text = r.fields[i].text;
        names += (names.empty() ? "" : ", ") + quote(text);
        const std::string wanted = column_key(text);
        const auto c =
            static_cast<size_t>(std::find(known_.begin(), known_.end(), wanted) - known_.begin());
        if (c < kColumns && mapped[c])
            near += "; " + quote(text) + " is not read, as --map " + known_[c] + "= reads the " +
                    known_[c] + " from elsewhere";
        else if (const std::string n = validate::closest(wanted, known_); !n.empty())
            near += "; did you mean " + quote(n) +
                    (unknown.size() > 1 ? " for " + quote(text) : "") + "?";
    }
    problem(r.fields[unknown[0]].at,
            (unknown.size() == 1 ? "unknown column " : "unknown columns ") + names + near +
                " (columns: tenant, login, name, email, profile; --map FIELD=COLUMN reads "
                "a field from another column; --ignore-columns A,B or "
                "--ignore-unknown-columns skips columns)");
}

std::optional<size_t> UserColumns::column_of(const Record& r, const ColumnRef& c,
                                             const Mapping& m) {
    const std::string map = "--map " + quote(m.given) + ": ";
    if (c.index) {
        if (*c.index < width_) return c.index;
        problem(r.at, map + "the file's rows have " + std::to_string(width_) +
                          (width_ == 1 ? " column" : " columns") + ", not " + c.name);
        return std::nullopt;
    }
    if (options_.no_header) {
        problem(r.at, map + "a file without a header names its columns #1, #2, ...");
        return std::nullopt;
    }
    std::vector<std::string> names;
    for (size_t i = 0; i < width_; ++i) {
        if (column_key(r.fields[i].text) == column_key(c.name)) return i;
        names.push_back(column_key(r.fields[i].text));
    }
    const std::string near = validate::closest(column_key(c.name), names);
    problem(r.at, map + "the header has no column " + quote(c.name) +
                      (near.empty() ? "" : "; did you mean " + quote(near) + "?"));
    return std::nullopt;
}

Field UserColumns::cell(const Record& r, Column c) const {
    const FieldSource& source = *sources_[c];
    if (!source.joined) return r.fields[*source.pieces[0].column];
    Field joined{"", r.at};
    bool placed = false, any = false;
    for (const Piece& p : source.pieces) {
        if (!p.column) {
            joined.text += p.text;
            continue;
        }
        const Field& from = r.fields[*p.column];
        if (!placed) joined.at = from.at;
        placed = true;
        any = any || !from.text.empty();
        joined.text += from.text;
    }
    const size_t b = joined.text.find_first_not_of(' ');
    joined.text = !any || b == std::string::npos
                      ? ""
                      : joined.text.substr(b, joined.text.find_last_not_of(' ') - b + 1);
    return joined;
}

char UserColumns::detect(const std::string& file, const Input& text) const {
    std::vector<std::string> names(known_);
    for (const Mapping& m : mappings_)
        for (const Part& p : m.parts)
            if (p.column && !p.column->index) names.push_back(column_key(p.column->name));
    for (const auto& n : options_.ignore_columns)
        names.push_back(column_key(n));
    size_t widest = 0; // the columns the mappings name by place must be there
    for (const Mapping& m : mappings_)
        for (const Part& p : m.parts)
            if (p.column && p.column->index) widest = std::max(widest, *p.column->index + 1);
    return detect_delimiter(
        file, text,
        [&](const std::string& field) {
            return !options_.no_header &&
                   std::find(names.begin(), names.end(), column_key(field)) != names.end();
        },
        widest);
}

} // namespace chatctl::csv
