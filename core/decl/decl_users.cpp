#include "core/decl/decl_users.hpp"

#include <algorithm>

namespace chatctl {

namespace {

// "" opens a private database on a temporary file that SQLite deletes on closing; its
// pages spill there past the cache, so memory stays flat whatever the declaration holds.
constexpr const char* kColumns = "seq, login, name, email, profile, file, line, col, pline, pcol";

std::optional<std::string> optional_text(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getString();
}

} // namespace

DeclUsers::DeclUsers() : db_("", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db_.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -32768;"
             "PRAGMA temp_store = FILE;"
             "CREATE TABLE users (seq INTEGER PRIMARY KEY, tenant INTEGER NOT NULL, "
             "login TEXT NOT NULL, name TEXT, email TEXT, profile TEXT, file INTEGER, "
             "line INTEGER, col INTEGER, pline INTEGER, pcol INTEGER);"
             "BEGIN");
    insert_ = std::make_unique<SQLite::Statement>(
        db_, "INSERT INTO users (tenant, login, name, email, profile, file, line, col, pline, "
             "pcol) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
}

int DeclUsers::file_number(const std::string& file) {
    if (files_.empty() || files_.back() != file) files_.push_back(file);
    return static_cast<int>(files_.size() - 1);
}

int64_t DeclUsers::add(size_t tenant, const DeclUser& u) {
    SQLite::Statement& st = *insert_;
    st.reset();
    st.bind(1, static_cast<int64_t>(tenant));
    st.bind(2, u.user.login);
    auto optional = [&](int i, const std::optional<std::string>& v) {
        if (v)
            st.bind(i, *v);
        else
            st.bind(i);
    };
    optional(3, u.user.name);
    optional(4, u.user.email);
    optional(5, u.has_profile ? std::optional<std::string>(u.user.profile) : std::nullopt);
    st.bind(6, file_number(u.at.file));
    st.bind(7, u.at.at.line);
    st.bind(8, u.at.at.column);
    st.bind(9, u.profile_at.at.line);
    st.bind(10, u.profile_at.at.column);
    st.exec();
    return db_.getLastInsertRowid();
}

void DeclUsers::finish() {
    db_.exec("CREATE INDEX users_login ON users (tenant, login COLLATE NOCASE); COMMIT");
}

DeclUser DeclUsers::read(SQLite::Statement& st) {
    DeclUser u;
    u.seq = st.getColumn(0).getInt64();
    u.user.login = st.getColumn(1).getString();
    u.user.name = optional_text(st.getColumn(2));
    u.user.email = optional_text(st.getColumn(3));
    u.has_profile = !st.getColumn(4).isNull();
    u.user.profile = u.has_profile ? st.getColumn(4).getString() : "";
    const std::string& file = files_.at(static_cast<size_t>(st.getColumn(5).getInt()));
    u.at = Place{file, Position{st.getColumn(6).getInt(), st.getColumn(7).getInt()}};
    u.profile_at = Place{file, Position{st.getColumn(8).getInt(), st.getColumn(9).getInt()}};
    return u;
}

void DeclUsers::each(int64_t first, int64_t last, const std::function<void(const DeclUser&)>& f) {
    SQLite::Statement st(db_, std::string("SELECT ") + kColumns +
                                  " FROM users WHERE seq BETWEEN ? AND ? ORDER BY seq");
    st.bind(1, first);
    st.bind(2, last);
    while (st.executeStep())
        f(read(st));
}

std::optional<DeclUser> DeclUsers::find(size_t tenant, const std::string& login) {
    if (!find_)
        find_ = std::make_unique<SQLite::Statement>(
            db_, std::string("SELECT ") + kColumns +
                     " FROM users WHERE tenant = ? AND login = ? COLLATE NOCASE ORDER BY seq");
    find_->reset();
    find_->bind(1, static_cast<int64_t>(tenant));
    find_->bind(2, login);
    if (!find_->executeStep()) return std::nullopt;
    return read(*find_);
}

std::vector<std::string> DeclUsers::profile_names(int64_t first, int64_t last) {
    SQLite::Statement st(db_, "SELECT DISTINCT profile FROM users WHERE seq BETWEEN ? AND ? "
                              "AND profile IS NOT NULL");
    st.bind(1, first);
    st.bind(2, last);
    std::vector<std::string> out;
    while (st.executeStep())
        out.push_back(st.getColumn(0).getString());
    return out;
}

std::vector<DeclUsers::Duplicate> DeclUsers::duplicates() {
    // The index covers tenant and login: this reads it once, in order, and no table row.
    SQLite::Statement twice(db_, "SELECT tenant, login FROM users GROUP BY tenant, "
                                 "login COLLATE NOCASE HAVING count(*) > 1");
    SQLite::Statement each(db_, std::string("SELECT ") + kColumns +
                                    " FROM users WHERE tenant = ? AND login = ? COLLATE NOCASE "
                                    "ORDER BY seq");
    std::vector<Duplicate> out;
    while (twice.executeStep()) {
        each.reset();
        each.bind(1, twice.getColumn(0).getInt64());
        each.bind(2, twice.getColumn(1).getString());
        out.push_back(Duplicate{static_cast<size_t>(twice.getColumn(0).getInt64()), {}});
        while (each.executeStep())
            out.back().users.push_back(read(each));
    }
    return out;
}

} // namespace chatctl
