#include "core/csv/user_csv.hpp"

#include "core/csv/column_map.hpp"
#include "core/csv/csv.hpp"
#include "core/csv/dialect.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

namespace chatctl::csv {

namespace {

using validate::quote;

constexpr size_t kMaxReported = 100000; // problems listed (grouped when shown); the rest counted

enum Column : size_t { tenant_column, login, name, email, profile, kColumns };

class UserReader {
  public:
    UserReader(const Source& source, const ImportOptions& options)
        : source_(source), options_(options) {
        decl_.users = std::make_shared<DeclUsers>();
    }

    UserFile read() {
        mappings_ = parse_mappings(options_.map, known_);
        const Input text = utf8_text(source_, options_.encoding);
        delimiter_ = options_.delimiter ? *options_.delimiter : detect(text);
        auto fault = csv::read(
            source_.name, text, [&](Record& r) { record(r); }, delimiter_);
        if (fault) problem(fault->line, fault->column, fault->message);
        if (!header_read_ && !fault)
            problem(0, 0,
                    options_.no_header ? "the file is empty"
                                       : "the file is empty: a header row is needed");
        decl_.users->finish();
        for (const auto& d : decl_.users->duplicates())
            for (size_t k = 1; k < d.users.size(); ++k)
                problem(d.users[k].at.at, "user " + quote(d.users[k].user.login) +
                                              " is listed twice: at " + d.users[0].at.str() +
                                              " and at " + d.users[k].at.str() +
                                              " (logins are compared ignoring case)");
        std::stable_sort(decl_.problems.begin(), decl_.problems.end(),
                         [](const Diagnostic& a, const Diagnostic& b) {
                             return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                         });
        if (dropped_ > 0)
            decl_.problems.push_back(Diagnostic{source_.name, 0, 0,
                                                "and " + std::to_string(dropped_) +
                                                    " more errors (fix these and run again "
                                                    "to see them)"});
        for (DeclTenant& t : decl_.tenants) {
            t.keeps_names = !sources_[name];
            t.keeps_emails = !sources_[email];
        }
        return UserFile{std::move(decl_), rows_, delimiter_, !options_.delimiter};
    }

  private:
    void problem(int line, int column, const std::string& message) {
        if (decl_.problems.size() >= kMaxReported) {
            ++dropped_;
            return;
        }
        decl_.problems.push_back(Diagnostic{source_.name, line, column, message});
    }
    void problem(Position at, const std::string& message) { problem(at.line, at.column, message); }

    void record(Record& r) {
        if (!header_read_) {
            header_read_ = true;
            header(r);
            if (!options_.no_header) return;
        }
        if (r.fields.size() != width_) {
            problem(r.at, "this row has " + std::to_string(r.fields.size()) +
                              (r.fields.size() == 1 ? " field" : " fields") + "; the header has " +
                              std::to_string(width_));
            return;
        }
        if (!sources_[login]) return; // reported once, at the header
        auto tenant = row_tenant(r);
        DeclUser u;
        const Field l = cell(r, login);
        u.user.login = l.text;
        u.at = Place{source_.name, l.at};
        bool ok = check(l, [&] { validate::login(l.text, "login"); });
        std::optional<Position> profile_at;
        auto optional_cell = [&](Column c, auto validator) -> std::optional<std::string> {
            if (!sources_[c]) return std::nullopt;
            const Field f = cell(r, c);
            if (f.text.empty()) return std::nullopt;
            ok = check(f, [&] { validator(f.text); }) && ok;
            if (c == profile) profile_at = f.at;
            return f.text;
        };
        u.user.name =
            optional_cell(name, [](const std::string& v) { validate::user_name(v, "name"); });
        u.user.email =
            optional_cell(email, [](const std::string& v) { validate::email(v, "email"); });
        if (auto p = optional_cell(
                profile, [](const std::string& v) { validate::profile_name(v, "profile"); })) {
            u.has_profile = true;
            u.user.profile = *p;
            u.profile_at = Place{source_.name, *profile_at};
        }
        if (!ok || !tenant) return;
        decl_.users->add(*tenant, u);
        ++rows_;
    }

    // The number of the tenant the row goes to, or nullopt with a problem reported.
    std::optional<size_t> row_tenant(const Record& r) {
        if (!sources_[tenant_column]) {
            if (!options_.tenant) return std::nullopt; // reported once, at the header
            return tenant_number(*options_.tenant, Place{source_.name, r.at});
        }
        const Field f = cell(r, tenant_column);
        if (f.text.empty()) {
            if (options_.tenant) return tenant_number(*options_.tenant, Place{source_.name, f.at});
            problem(f.at, "the tenant cell is empty: fill it, or give -t TENANT for the rows "
                          "that name none");
            return std::nullopt;
        }
        if (!check(f, [&] { validate::tenant_key(f.text, "tenant"); })) return std::nullopt;
        if (options_.only_tenant && f.text != *options_.tenant) {
            problem(f.at, "this row is of tenant " + quote(f.text) + ", not of " +
                              quote(*options_.tenant) +
                              " given by --tenant (without -t, each "
                              "row goes to its own tenant; --ignore-columns tenant imports "
                              "every row into " +
                              quote(*options_.tenant) + ")");
            return std::nullopt;
        }
        return tenant_number(f.text, Place{source_.name, f.at});
    }

    size_t tenant_number(const std::string& key, const Place& at) {
        auto [it, fresh] = tenants_.try_emplace(key, decl_.tenants.size());
        if (fresh) {
            DeclTenant t;
            t.tenant.key = key;
            t.has_users = true;
            t.number = it->second;
            t.at = at;
            decl_.tenants.push_back(std::move(t));
        }
        return it->second;
    }

    template <class Check> bool check(const Field& f, Check c) {
        try {
            c();
            return true;
        } catch (const Error& e) {
            problem(f.at, e.what());
            return false;
        }
    }

    // The field a mapping or the header gives each column to; every other column is
    // refused, all at once, unless skipped.
    void header(const Record& r) {
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
                ignored_found[static_cast<size_t>(ignored - options_.ignore_columns.begin())] =
                    true;
                if (read[i])
                    problem(f.at, "column " + quote(f.text) +
                                      " is both read by --map and skipped by --ignore-columns");
                continue;
            }
            const size_t c = static_cast<size_t>(std::find(known_.begin(), known_.end(), wanted) -
                                                 known_.begin());
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
            problem(r.at, options_.no_header
                              ? "no column is read as the login: give --map login=#N"
                              : "the header has no login column (it is required; --map "
                                "login=COLUMN reads it from another)");
        if (!sources_[tenant_column] && !mapped[tenant_column] && !options_.tenant)
            problem(r.at, "the header has no tenant column: give -t TENANT, or a tenant column "
                          "naming each row's tenant");
        // Every row goes to the tenant given: it is declared even if no row follows, so that
        // --prune and an unknown tenant are seen.
        if (options_.tenant && (options_.only_tenant || !sources_[tenant_column]))
            tenant_number(*options_.tenant, Place{source_.name, r.at});
    }

    // The columns no field reads: one problem names them all.
    void unknown_columns(const Record& r, const std::vector<size_t>& unknown,
                         const std::array<bool, kColumns>& mapped) {
        std::string names, near;
        for (size_t i : unknown) {
            const std::string& text = r.fields[i].text;
            names += (names.empty() ? "" : ", ") + quote(text);
            const std::string wanted = column_key(text);
            const auto c = static_cast<size_t>(std::find(known_.begin(), known_.end(), wanted) -
                                               known_.begin());
            if (c < kColumns && mapped[c])
                near += "; " + quote(text) + " is not read, as --map " + known_[c] +
                        "= reads the " + known_[c] + " from elsewhere";
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

    // The column a mapping names, or nullopt with a problem.
    std::optional<size_t> column_of(const Record& r, const ColumnRef& c, const Mapping& m) {
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

    // A field's cell in a row: the column's, or a template's columns joined (no more than
    // what is between them when every one is empty; space around the whole trimmed).
    Field cell(const Record& r, Column c) const {
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

    // The separator that splits the header into the most names read (the fields, mapped
    // and skipped columns) and into at least the columns --map names by place; with no
    // header, or no name read, the one that gives the most columns.
    char detect(const Input& text) const {
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
            source_.name, text,
            [&](const std::string& field) {
                return !options_.no_header &&
                       std::find(names.begin(), names.end(), column_key(field)) != names.end();
            },
            widest);
    }

    const Source& source_;
    const ImportOptions& options_;
    Declaration decl_;
    std::map<std::string, size_t> tenants_; // key -> number
    bool header_read_ = false;
    size_t width_ = 0, dropped_ = 0;
    int64_t rows_ = 0;
    const std::vector<std::string> known_{std::begin(kUserColumns), std::end(kUserColumns)};
    std::vector<Mapping> mappings_;
    char delimiter_ = ',';
    // Where each field is read from: a column, or a template's text and columns.
    struct Piece {
        std::string text;
        std::optional<size_t> column;
    };
    struct FieldSource {
        std::vector<Piece> pieces;
        bool joined = false;
    };
    std::array<std::optional<FieldSource>, kColumns> sources_;
};

} // namespace

std::vector<std::string> read_logins(const Source& source) {
    std::vector<std::string> logins;
    std::vector<Diagnostic> problems;
    size_t dropped = 0;
    std::string line;
    int number = 0;
    auto take = [&] {
        ++number;
        size_t b = line.find_first_not_of(" \t\r"), e = line.find_last_not_of(" \t\r");
        if (b == std::string::npos) return;
        std::string login = line.substr(b, e - b + 1);
        try {
            validate::login(login, "login");
            logins.push_back(std::move(login));
        } catch (const Error& err) {
            if (problems.size() < kMaxReported)
                problems.push_back(
                    Diagnostic{source.name, number, static_cast<int>(b) + 1, err.what()});
            else
                ++dropped;
        }
    };
    char block[1 << 16];
    size_t offset = 0;
    for (size_t n; (n = source.input.read(offset, block, sizeof block)) > 0; offset += n)
        for (size_t i = 0; i < n; ++i) {
            if (block[i] == '\n') {
                take();
                line.clear();
            } else if (line.size() <= kMaxRecord) {
                line += block[i];
            }
        }
    if (!line.empty()) take();
    if (dropped > 0)
        problems.push_back(
            Diagnostic{source.name, 0, 0, "and " + std::to_string(dropped) + " more errors"});
    if (!problems.empty()) fail_with(ErrorKind::invalid_input, std::move(problems));
    return logins;
}

UserFile read_users(const Source& source, const ImportOptions& options) {
    return UserReader(source, options).read();
}

} // namespace chatctl::csv
