// `user import`'s rows read as users of their tenants (the columns they come from are
// user_columns'), and `--logins-from` lists.
#include "core/csv/user_csv.hpp"

#include "core/csv/csv.hpp"
#include "core/csv/dialect.hpp"
#include "core/csv/user_columns.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace chatctl::csv {

namespace {

using validate::quote;

constexpr size_t kMaxReported = 100000; // problems listed (grouped when shown); the rest counted

using Column = UserColumns::Column;
using enum UserColumns::Column;

class UserReader {
  public:
    UserReader(const Source& source, const ImportOptions& options)
        : source_(source), options_(options) {
        decl_.users = std::make_shared<DeclUsers>();
    }

    UserFile read() {
        columns_.read_mappings();
        const Input text = utf8_text(source_, options_.encoding);
        delimiter_ = options_.delimiter ? *options_.delimiter : columns_.detect(source_.name, text);
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
            t.keeps_names = !columns_.reads(name);
            t.keeps_emails = !columns_.reads(email);
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
            columns_.header(r);
            // Every row goes to the tenant given: it is declared even if no row follows, so
            // that --prune and an unknown tenant are seen.
            if (options_.tenant && (options_.only_tenant || !columns_.reads(tenant_column)))
                tenant_number(*options_.tenant, Place{source_.name, r.at});
            if (!options_.no_header) return;
        }
        if (r.fields.size() != columns_.width()) {
            problem(r.at, "this row has " + std::to_string(r.fields.size()) +
                              (r.fields.size() == 1 ? " field" : " fields") + "; the header has " +
                              std::to_string(columns_.width()));
            return;
        }
        if (!columns_.reads(login)) return; // reported once, at the header
        auto tenant = row_tenant(r);
        DeclUser u;
        const Field l = columns_.cell(r, login);
        u.user.login = l.text;
        u.at = Place{source_.name, l.at};
        bool ok = check(l, [&] { validate::login(l.text, "login"); });
        std::optional<Position> profile_at;
        auto optional_cell = [&](Column c, auto validator) -> std::optional<std::string> {
            if (!columns_.reads(c)) return std::nullopt;
            const Field f = columns_.cell(r, c);
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
        if (!columns_.reads(tenant_column)) {
            if (!options_.tenant) return std::nullopt; // reported once, at the header
            return tenant_number(*options_.tenant, Place{source_.name, r.at});
        }
        const Field f = columns_.cell(r, tenant_column);
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

    const Source& source_;
    const ImportOptions& options_;
    Declaration decl_;
    std::map<std::string, size_t> tenants_; // key -> number
    UserColumns columns_{options_,
                         [this](Position at, const std::string& message) { problem(at, message); }};
    bool header_read_ = false;
    size_t dropped_ = 0;
    int64_t rows_ = 0;
    char delimiter_ = ',';
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
