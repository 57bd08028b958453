// The Store's queries and row writes: every statement bound, prepared once and reused.
#include "core/error.hpp"
#include "core/store/sqlite/schema.hpp"
#include "core/store/sqlite/sqlite_store.hpp"
#include "core/validate.hpp"

#include <map>
#include <mutex>

namespace chatctl::sqlite {

namespace {

// Text as the store holds it, refused when it is not what chatctl ever writes (invalid
// UTF-8, a NUL byte): the store was changed outside chatctl, and no output is built on it.
std::string text(const SQLite::Column& column) {
    std::string value = column.getString();
    if (value.find('\0') != std::string::npos || !validate::utf8_length(value))
        fail(ErrorKind::store,
             std::string("the store holds a text that is not valid UTF-8 or holds a NUL byte (") +
                 column.getName() + " " + validate::quote(value) + ")",
             {"the store was changed outside chatctl; restore a backup, or repair the row with "
              "SQL"});
    return value;
}

std::optional<std::string> optional_text(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return text(column);
}

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::string>& value) {
    if (value)
        st.bind(index, *value);
    else
        st.bind(index);
}

Json parse_json(const SQLite::Column& column) {
    if (column.isNull()) return nullptr;
    Json value = Json::parse(text(column), nullptr, false);
    if (value.is_discarded())
        fail(ErrorKind::store,
             "a history entry holds invalid JSON (" + validate::quote(text(column)) + ")",
             {"the store was changed outside chatctl; restore a backup"});
    return value;
}

// A statement from the cache, reset and cleared for new bindings.
struct Reset {
    SQLite::Statement& st;
    explicit Reset(SQLite::Statement& s) : st(s) {
        st.reset();
        st.clearBindings();
    }
    ~Reset() {
        try {
            st.reset();
        } catch (...) { // a reset only repeats an error already thrown
        }
    }
};

#define USER_COLUMNS                                                                               \
    "SELECT u.id, u.profile_id, u.login, u.name, u.email, p.name FROM users u "                    \
    "JOIN profiles p ON p.id = u.profile_id "

UserRow read_user(SQLite::Statement& st, const std::string& tenant) {
    return UserRow{st.getColumn(0).getInt64(), st.getColumn(1).getInt64(),
                   User{tenant, text(st.getColumn(2)), optional_text(st.getColumn(3)),
                        optional_text(st.getColumn(4)), text(st.getColumn(5))}};
}

} // namespace

bool SqliteStore::has_owners() const {
    return version_ >= schema::kOwnerVersion;
}

namespace {

// A tenant's row, its owner read as `owner` says (NULL in an older store, read as it is).
#define TENANT_ROW(owner)                                                                          \
    "SELECT id, default_profile_id, key, display_name, " owner " FROM tenants "

TenantRow read_tenant(SQLite::Statement& st) {
    return TenantRow{st.getColumn(0).getInt64(), st.getColumn(1).getInt64(),
                     Tenant{text(st.getColumn(2)), optional_text(st.getColumn(3)),
                            optional_text(st.getColumn(4))}};
}

} // namespace

std::optional<TenantRow> SqliteStore::find_tenant(std::string_view key) {
    Reset r(statement(has_owners() ? TENANT_ROW("owner") "WHERE key = ?"
                                   : TENANT_ROW("NULL") "WHERE key = ?"));
    r.st.bind(1, std::string(key));
    if (!r.st.executeStep()) return std::nullopt;
    return read_tenant(r.st);
}

std::vector<TenantRow> SqliteStore::tenants_owned_by(std::string_view owner) {
    if (!has_owners()) return {};
    Reset r(statement(TENANT_ROW("owner") "WHERE owner = ? ORDER BY key"));
    r.st.bind(1, std::string(owner));
    std::vector<TenantRow> out;
    while (r.st.executeStep())
        out.push_back(read_tenant(r.st));
    return out;
}

namespace {

// Columns: id, name, is_default, max, wrap_up, description (then anything else).
ProfileRow read_profile(SQLite::Statement& st, const std::string& tenant) {
    return ProfileRow{st.getColumn(0).getInt64(),
                      Profile{tenant, text(st.getColumn(1)), st.getColumn(2).getInt() != 0,
                              st.getColumn(3).getInt(), st.getColumn(4).getInt(),
                              optional_text(st.getColumn(5))}};
}

#define PROFILE_COLUMNS                                                                            \
    "p.id, p.name, p.id = t.default_profile_id, p.max_concurrent_chats, p.wrap_up_seconds, "       \
    "p.description"

} // namespace

std::optional<ProfileRow> SqliteStore::find_profile(const TenantRow& tenant,
                                                    std::string_view name) {
    Reset r(statement("SELECT " PROFILE_COLUMNS " FROM profiles p JOIN tenants t "
                      "ON t.id = p.tenant_id WHERE p.tenant_id = ? AND p.name = ? COLLATE NOCASE"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    r.st.bind(2, std::string(name));
    if (!r.st.executeStep()) return std::nullopt;
    return read_profile(r.st, tenant.tenant.key);
}

std::optional<ProfileRow> SqliteStore::profile_by_id(int64_t id) {
    Reset r(statement("SELECT " PROFILE_COLUMNS ", t.key FROM profiles p JOIN tenants t "
                      "ON t.id = p.tenant_id WHERE p.id = ?"));
    r.st.bind(1, id);
    if (!r.st.executeStep()) return std::nullopt;
    return read_profile(r.st, text(r.st.getColumn(6)));
}

std::optional<UserRow> SqliteStore::find_user(const TenantRow& tenant, std::string_view login) {
    Reset r(statement(USER_COLUMNS "WHERE u.tenant_id = ? AND u.login = ? COLLATE NOCASE"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    r.st.bind(2, std::string(login));
    if (!r.st.executeStep()) return std::nullopt;
    return read_user(r.st, tenant.tenant.key);
}

std::vector<UserRow> SqliteStore::find_users(const TenantRow& tenant,
                                             const std::vector<std::string>& logins) {
    // One statement for the batch (the logins as a JSON array), where a lookup each cost
    // a reset, a bind and a step per user.
    std::string array = "[";
    for (const auto& login : logins) {
        if (array.size() > 1) array += ',';
        json_quote(array, login);
    }
    Reset r(statement(USER_COLUMNS "WHERE u.tenant_id = ? AND u.login COLLATE NOCASE IN "
                                   "(SELECT value FROM json_each(?))"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    r.st.bind(2, array + "]");
    std::vector<UserRow> out;
    while (r.st.executeStep())
        out.push_back(read_user(r.st, tenant.tenant.key));
    return out;
}

int64_t SqliteStore::count_users(int64_t tenant_id, std::optional<int64_t> profile_id) {
    if (!profile_id) {
        Reset r(statement("SELECT count(*) FROM users WHERE tenant_id = ?"));
        r.st.bind(1, tenant_id);
        r.st.executeStep();
        return r.st.getColumn(0).getInt64();
    }
    Reset r(statement("SELECT count(*) FROM users WHERE tenant_id = ? AND profile_id = ?"));
    r.st.bind(1, tenant_id);
    r.st.bind(2, *profile_id);
    r.st.executeStep();
    return r.st.getColumn(0).getInt64();
}

std::vector<TenantInfo> SqliteStore::list_tenants(std::optional<std::string_view> key) {
#define TENANT_INFO(owner)                                                                         \
    "SELECT t.key, t.display_name, " owner ", p.name, "                                            \
    "(SELECT count(*) FROM profiles WHERE tenant_id = t.id), "                                     \
    "(SELECT count(*) FROM users WHERE tenant_id = t.id) "                                         \
    "FROM tenants t LEFT JOIN profiles p ON p.id = t.default_profile_id "                          \
    "WHERE ?1 IS NULL OR t.key = ?1 ORDER BY t.key"
    Reset r(statement(has_owners() ? TENANT_INFO("t.owner") : TENANT_INFO("NULL")));
#undef TENANT_INFO
    if (key) r.st.bind(1, std::string(*key));
    std::vector<TenantInfo> out;
    while (r.st.executeStep())
        out.push_back(TenantInfo{Tenant{text(r.st.getColumn(0)), optional_text(r.st.getColumn(1)),
                                        optional_text(r.st.getColumn(2))},
                                 text(r.st.getColumn(3)), r.st.getColumn(4).getInt64(),
                                 r.st.getColumn(5).getInt64()});
    return out;
}

std::vector<ProfileInfo> SqliteStore::list_profiles(const TenantRow& tenant,
                                                    std::optional<std::string_view> name) {
    Reset r(statement("SELECT " PROFILE_COLUMNS ", (SELECT count(*) FROM users u "
                      "WHERE u.tenant_id = p.tenant_id AND u.profile_id = p.id) "
                      "FROM profiles p JOIN tenants t ON t.id = p.tenant_id "
                      "WHERE p.tenant_id = ?1 AND (?2 IS NULL OR p.name = ?2 COLLATE NOCASE) "
                      "ORDER BY p.name COLLATE NOCASE, p.name"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    if (name) r.st.bind(2, std::string(*name));
    std::vector<ProfileInfo> out;
    while (r.st.executeStep())
        out.push_back(ProfileInfo{read_profile(r.st, tenant.tenant.key).profile,
                                  r.st.getColumn(6).getInt64()});
    return out;
}

void SqliteStore::each_user(const TenantRow& tenant, std::optional<int64_t> profile_id,
                            const std::function<void(const UserRow&)>& f) {
    Reset r(statement(USER_COLUMNS "WHERE u.tenant_id = ?1 AND (?2 IS NULL OR u.profile_id = ?2) "
                                   "ORDER BY u.login COLLATE NOCASE"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    if (profile_id) r.st.bind(2, *profile_id);
    while (r.st.executeStep())
        f(read_user(r.st, tenant.tenant.key));
}

std::vector<UserRow> SqliteStore::user_page(const TenantRow& tenant,
                                            const std::optional<std::string>& after, int limit) {
    Reset r(after ? statement(USER_COLUMNS "WHERE u.tenant_id = ? AND u.login > ? COLLATE NOCASE "
                                           "ORDER BY u.login COLLATE NOCASE LIMIT ?")
                  : statement(USER_COLUMNS "WHERE u.tenant_id = ? AND ? IS NULL ORDER BY "
                                           "u.login COLLATE NOCASE LIMIT ?"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    if (after) r.st.bind(2, *after);
    r.st.bind(3, limit);
    std::vector<UserRow> page;
    while (r.st.executeStep())
        page.push_back(read_user(r.st, tenant.tenant.key));
    return page;
}

namespace {

std::mutex history_texts; // a streamed apply's writer thread may read history too

// The history query for a filter, with a condition for each field given and none for the
// others, so that an index leads by the change or the tenant and a page's bound (before_id,
// after_id) is a range of it, not a filter over every entry before it. The texts stay, as
// statements are kept by them; parameters keep their numbers (?10 is the limit).
const char* history_sql(const HistoryFilter& f) {
    static std::map<unsigned, std::string> texts;
    const bool given[] = {f.tenant.has_value(), f.change.has_value(),    f.kind.has_value(),
                          f.key.has_value(),    f.actor.has_value(),     f.since.has_value(),
                          f.until.has_value(),  f.before_id.has_value(), f.after_id.has_value()};
    static const char* const conditions[] = {
        "tenant = ?1", "change = ?2", "kind = ?3", "key = ?4 COLLATE NOCASE",
        "actor = ?5",  "at >= ?6",    "at <= ?7",  "id < ?8",
        "id > ?9"};
    unsigned mask = f.oldest_first ? 1u << 9 : 0;
    for (unsigned i = 0; i < 9; ++i)
        mask |= given[i] ? 1u << i : 0;
    std::lock_guard lock(history_texts);
    std::string& sql = texts[mask];
    if (sql.empty()) {
        sql = "SELECT id, change, at, actor, command, tenant, kind, key, action, before, after "
              "FROM history WHERE 1";
        for (unsigned i = 0; i < 9; ++i)
            if (given[i]) sql += std::string(" AND ") + conditions[i];
        sql += f.oldest_first ? " ORDER BY id ASC LIMIT ?10" : " ORDER BY id DESC LIMIT ?10";
    }
    return sql.c_str();
}

// The count of what a history query selects; the text stays, as statements are kept by it.
const char* history_count_sql(const HistoryFilter& f) {
    static std::map<const char*, std::string> counts;
    const char* sql = history_sql(f);
    std::lock_guard lock(history_texts);
    std::string& count = counts[sql];
    if (count.empty()) count = "SELECT count(*) FROM (" + std::string(sql) + ")";
    return count.c_str();
}

void bind_history(SQLite::Statement& st, const HistoryFilter& f, int64_t limit) {
    bind_optional(st, 1, f.tenant);
    if (f.change) st.bind(2, *f.change);
    bind_optional(st, 3, f.kind);
    bind_optional(st, 4, f.key);
    bind_optional(st, 5, f.actor);
    bind_optional(st, 6, f.since);
    bind_optional(st, 7, f.until);
    if (f.before_id) st.bind(8, *f.before_id);
    if (f.after_id) st.bind(9, *f.after_id);
    st.bind(10, limit);
}

} // namespace

int64_t SqliteStore::history_count(const HistoryFilter& f) {
    Reset r(statement(history_count_sql(f)));
    bind_history(r.st, f, -1); // no limit
    r.st.executeStep();
    return r.st.getColumn(0).getInt64();
}

std::vector<HistoryEntry> SqliteStore::history(const HistoryFilter& f, int limit) {
    refuse_history_before_upgrade(path_, version_, schema::current_version());
    Reset r(statement(history_sql(f)));
    bind_history(r.st, f, limit);
    std::vector<HistoryEntry> out;
    while (r.st.executeStep()) {
        auto col = [&](int i) { return text(r.st.getColumn(i)); };
        out.push_back(HistoryEntry{r.st.getColumn(0).getInt64(), r.st.getColumn(1).getInt64(),
                                   col(2), col(3), col(4), optional_text(r.st.getColumn(5)), col(6),
                                   col(7), col(8), parse_json(r.st.getColumn(9)),
                                   parse_json(r.st.getColumn(10))});
    }
    return out;
}

int64_t SqliteStore::next_change() {
    Reset r(statement("SELECT coalesce(max(change), 0) + 1 FROM history"));
    r.st.executeStep();
    return r.st.getColumn(0).getInt64();
}

std::vector<std::string> SqliteStore::tenant_keys() {
    Reset r(statement("SELECT key FROM tenants ORDER BY key"));
    std::vector<std::string> out;
    while (r.st.executeStep())
        out.push_back(text(r.st.getColumn(0)));
    return out;
}

std::vector<std::string> SqliteStore::logins_starting(const TenantRow& tenant,
                                                      std::string_view prefix, int limit) {
    Reset r(statement("SELECT login FROM users WHERE tenant_id = ? AND login LIKE ? ESCAPE '\\' "
                      "ORDER BY login COLLATE NOCASE, login LIMIT ?"));
    std::string pattern;
    for (char c : prefix) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    r.st.bind(2, pattern + "%");
    r.st.bind(3, limit);
    std::vector<std::string> out;
    while (r.st.executeStep())
        out.push_back(text(r.st.getColumn(0)));
    return out;
}

int64_t SqliteStore::insert_tenant(const Tenant& tenant) {
    // The default is set by the first default profile, before commit (deferred key).
    Reset r(statement("INSERT INTO tenants (key, display_name, owner, default_profile_id) "
                      "VALUES (?, ?, ?, 0)"));
    r.st.bind(1, tenant.key);
    bind_optional(r.st, 2, tenant.display_name);
    bind_optional(r.st, 3, tenant.owner);
    r.st.exec();
    return db_.getLastInsertRowid();
}

void SqliteStore::update_tenant(int64_t id, const Tenant& tenant) {
    Reset r(statement("UPDATE tenants SET display_name = ?, owner = ? WHERE id = ?"));
    bind_optional(r.st, 1, tenant.display_name);
    bind_optional(r.st, 2, tenant.owner);
    r.st.bind(3, id);
    r.st.exec();
}

void SqliteStore::delete_tenant(int64_t id) {
    Reset r(statement("DELETE FROM tenants WHERE id = ?"));
    r.st.bind(1, id);
    r.st.exec();
}

void SqliteStore::set_default_profile(int64_t tenant_id, int64_t profile_id) {
    Reset r(statement("UPDATE tenants SET default_profile_id = ? WHERE id = ?"));
    r.st.bind(1, profile_id);
    r.st.bind(2, tenant_id);
    r.st.exec();
}

int64_t SqliteStore::insert_profile(int64_t tenant_id, const Profile& p) {
    Reset r(statement("INSERT INTO profiles (tenant_id, name, max_concurrent_chats, "
                      "wrap_up_seconds, description) VALUES (?, ?, ?, ?, ?)"));
    r.st.bind(1, tenant_id);
    r.st.bind(2, p.name);
    r.st.bind(3, p.max_concurrent_chats);
    r.st.bind(4, p.wrap_up_seconds);
    bind_optional(r.st, 5, p.description);
    r.st.exec();
    return db_.getLastInsertRowid();
}

void SqliteStore::update_profile(int64_t id, const Profile& p) {
    Reset r(statement("UPDATE profiles SET name = ?, max_concurrent_chats = ?, "
                      "wrap_up_seconds = ?, description = ? WHERE id = ?"));
    r.st.bind(1, p.name);
    r.st.bind(2, p.max_concurrent_chats);
    r.st.bind(3, p.wrap_up_seconds);
    bind_optional(r.st, 4, p.description);
    r.st.bind(5, id);
    r.st.exec();
}

void SqliteStore::delete_profile(int64_t id) {
    Reset r(statement("DELETE FROM profiles WHERE id = ?"));
    r.st.bind(1, id);
    r.st.exec();
}

namespace {

constexpr size_t kBatch = 64; // rows to an INSERT, when there are that many

// An INSERT of one row and of kBatch rows (its VALUES group repeated). The statement
// cache keys on the text's address: each is made once.
struct BatchInsert {
    std::string one, many;
    BatchInsert(const std::string& head, const std::string& values)
        : one(head + values), many(one) {
        for (size_t i = 1; i < kBatch; ++i)
            many += ", " + values;
    }
    const char* sql(size_t rows) const { return rows == 1 ? one.c_str() : many.c_str(); }
};

const BatchInsert& user_insert() {
    static const BatchInsert insert("INSERT INTO users (tenant_id, login, name, email, "
                                    "profile_id) VALUES ",
                                    "(?, ?, ?, ?, ?)");
    return insert;
}

const BatchInsert& history_insert() {
    static const BatchInsert insert("INSERT INTO history (change, at, actor, command, tenant, "
                                    "kind, key, action, before, after) VALUES ",
                                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    return insert;
}

} // namespace

void SqliteStore::insert_users(const std::vector<NewUser>& users) {
    lift_row_guards(users.size());
    auto insert = [&](size_t first, size_t rows) {
        Reset r(statement(user_insert().sql(rows)));
        for (size_t i = 0; i < rows; ++i) {
            const NewUser& u = users[first + i];
            const int base = static_cast<int>(i * 5);
            r.st.bind(base + 1, u.tenant_id);
            r.st.bind(base + 2, u.user.login);
            bind_optional(r.st, base + 3, u.user.name);
            bind_optional(r.st, base + 4, u.user.email);
            r.st.bind(base + 5, u.profile_id);
        }
        r.st.exec();
    };
    for (size_t first = 0; first < users.size();) {
        const size_t rows = users.size() - first >= kBatch ? kBatch : 1;
        try {
            insert(first, rows);
        } catch (const SQLite::Exception&) {
            // The statement wrote nothing: one by one, the refused user is found.
            for (size_t i = first; i < first + rows; ++i) {
                try {
                    insert(i, 1);
                } catch (const SQLite::Exception&) {
                    throw UserRefused{i, std::current_exception()};
                }
            }
            throw; // refused together, accepted one by one: report it as it came
        }
        first += rows;
    }
}

void SqliteStore::update_user(int64_t id, int64_t profile_id, const User& u) {
    Reset r(statement("UPDATE users SET login = ?, name = ?, email = ?, profile_id = ? "
                      "WHERE id = ?"));
    r.st.bind(1, u.login);
    bind_optional(r.st, 2, u.name);
    bind_optional(r.st, 3, u.email);
    r.st.bind(4, profile_id);
    r.st.bind(5, id);
    r.st.exec();
}

void SqliteStore::update_users(const std::vector<UserUpdate>& users) {
    lift_row_guards(users.size());
    Store::update_users(users);
}

void SqliteStore::delete_users(const std::vector<int64_t>& ids) {
    lift_row_guards(ids.size());
    std::string array = "[";
    for (int64_t id : ids)
        array += (array.size() > 1 ? "," : "") + std::to_string(id);
    Reset r(statement("DELETE FROM users WHERE id IN (SELECT value FROM json_each(?))"));
    r.st.bind(1, array + "]");
    r.st.exec();
}

void SqliteStore::insert_history(const std::vector<HistoryRow>& rows) {
    for (size_t done = 0; done < rows.size();) {
        const size_t n = rows.size() - done >= kBatch ? kBatch : 1;
        Reset r(statement(history_insert().sql(n)));
        for (size_t i = 0; i < n; ++i) {
            const HistoryRow& h = rows[done + i];
            const int base = static_cast<int>(i * 10);
            r.st.bind(base + 1, h.change);
            r.st.bind(base + 2, h.at);
            r.st.bind(base + 3, h.actor);
            r.st.bind(base + 4, h.command);
            r.st.bind(base + 5, h.tenant);
            r.st.bind(base + 6, h.kind);
            r.st.bind(base + 7, h.key);
            r.st.bind(base + 8, h.action);
            bind_optional(r.st, base + 9, h.before);
            bind_optional(r.st, base + 10, h.after);
        }
        r.st.exec();
        done += n;
    }
}

} // namespace chatctl::sqlite
