// The SQLite store's tenants and profiles, read and written; what every query and row
// write shares (sqlite_rows.hpp). Every statement bound, prepared once and reused.
#include "core/store/sqlite/sqlite_rows.hpp"

#include "core/error.hpp"
#include "core/store/sqlite/schema.hpp"
#include "core/store/sqlite/sqlite_store.hpp"
#include "core/validate.hpp"

namespace chatctl::sqlite {

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

std::vector<std::string> SqliteStore::tenant_keys() {
    Reset r(statement("SELECT key FROM tenants ORDER BY key"));
    std::vector<std::string> out;
    while (r.st.executeStep())
        out.push_back(text(r.st.getColumn(0)));
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

} // namespace chatctl::sqlite
