// The SQLite store's users, read and written: found by login (ignoring case) one or a
// batch at a time, listed and paged in login order; inserted 64 rows to an INSERT, and
// bulk writes with the row guards lifted (SqliteStore::lift_row_guards).
#include "core/store/sqlite/sqlite_rows.hpp"
#include "core/store/sqlite/sqlite_store.hpp"

namespace chatctl::sqlite {

namespace {

#define USER_COLUMNS                                                                               \
    "SELECT u.id, u.profile_id, u.login, u.name, u.email, p.name FROM users u "                    \
    "JOIN profiles p ON p.id = u.profile_id "

UserRow read_user(SQLite::Statement& st, const std::string& tenant) {
    return UserRow{st.getColumn(0).getInt64(), st.getColumn(1).getInt64(),
                   User{tenant, text(st.getColumn(2)), optional_text(st.getColumn(3)),
                        optional_text(st.getColumn(4)), text(st.getColumn(5))}};
}

// Logins as a JSON array, for `IN (SELECT value FROM json_each(?))`: one statement for a
// batch, where a statement each cost a reset, a bind and a step per user.
std::string json_array(const std::vector<std::string>& logins) {
    std::string array = "[";
    for (const auto& login : logins) {
        if (array.size() > 1) array += ',';
        json_quote(array, login);
    }
    return array + "]";
}

} // namespace

std::optional<UserRow> SqliteStore::find_user(const TenantRow& tenant, std::string_view login) {
    Reset r(statement(USER_COLUMNS "WHERE u.tenant_id = ? AND u.login = ? COLLATE NOCASE"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    r.st.bind(2, std::string(login));
    if (!r.st.executeStep()) return std::nullopt;
    return read_user(r.st, tenant.tenant.key);
}

std::vector<UserRow> SqliteStore::find_users(const TenantRow& tenant,
                                             const std::vector<std::string>& logins) {
    Reset r(statement(USER_COLUMNS "WHERE u.tenant_id = ? AND u.login COLLATE NOCASE IN "
                                   "(SELECT value FROM json_each(?))"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    r.st.bind(2, json_array(logins));
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

void SqliteStore::insert_users(std::vector<NewUser> users) {
    lift_row_guards(users.size());
    static const BatchInsert user_insert(
        "INSERT INTO users (tenant_id, login, name, email, profile_id) VALUES ", "(?, ?, ?, ?, ?)");
    auto insert = [&](size_t first, size_t rows) {
        Reset r(statement(user_insert.sql(rows)));
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
                    throw UserRefused{users[i].tenant_id, users[i].user.login,
                                      std::current_exception()};
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

// Found and deleted by one statement, its rows returned as they were; in a savepoint, rolled
// back when a login is missing (then nothing is deleted, and the engine names it).
std::vector<UserRow> SqliteStore::delete_users_named(const TenantRow& tenant,
                                                     const std::vector<std::string>& logins) {
    if (logins.empty()) return {};
    lift_row_guards(logins.size()); // before the savepoint: its rollback would bring them back
    db_.exec("SAVEPOINT chatctl_delete_users");
    std::vector<UserRow> out;
    {
        Reset r(statement("DELETE FROM users WHERE tenant_id = ? AND login COLLATE NOCASE IN "
                          "(SELECT value FROM json_each(?)) RETURNING id, profile_id, login, "
                          "name, email, (SELECT p.name FROM profiles p WHERE p.id = "
                          "users.profile_id)"));
        r.st.bind(1, static_cast<int64_t>(tenant.id));
        r.st.bind(2, json_array(logins));
        while (r.st.executeStep())
            out.push_back(read_user(r.st, tenant.tenant.key));
    }
    if (out.size() < logins.size()) db_.exec("ROLLBACK TO chatctl_delete_users");
    db_.exec("RELEASE chatctl_delete_users");
    return out;
}

} // namespace chatctl::sqlite
