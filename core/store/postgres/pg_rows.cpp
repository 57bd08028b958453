// The PostgreSQL store's tenants and profiles, read and written. Names are compared as
// lower(... COLLATE "C"), ASCII folding only, the expression the unique indexes hold.
#include "core/store/postgres/pg_rows.hpp"

#include "core/store/postgres/pg_schema.hpp"
#include "core/store/postgres/pg_store.hpp"

namespace chatctl::postgres {

bool PgStore::has_owners() const {
    return version_ >= schema::kOwnerVersion || migrate_pending_;
}

namespace {

// A tenant's row, its owner read as `owner` says (NULL in an older store, read as it is).
#define TENANT_ROW(owner)                                                                          \
    "SELECT id, default_profile_id, key, display_name, " owner " FROM tenants "

TenantRow read_tenant(const Result& r, int i) {
    return TenantRow{r.integer(i, 0), r.integer(i, 1),
                     Tenant{r.text(i, 2), r.optional_text(i, 3), r.optional_text(i, 4)}};
}

} // namespace

std::optional<TenantRow> PgStore::find_tenant(std::string_view key) {
    Result r = conn_.query(has_owners() ? TENANT_ROW("owner") "WHERE key = $1"
                                        : TENANT_ROW("NULL::text") "WHERE key = $1",
                           {str(key)});
    if (r.rows() == 0) return std::nullopt;
    return read_tenant(r, 0);
}

std::vector<TenantRow> PgStore::tenants_owned_by(std::string_view owner) {
    if (!has_owners()) return {};
    Result r = conn_.query(TENANT_ROW("owner") "WHERE owner = $1 ORDER BY key COLLATE \"C\"",
                           {str(owner)});
    return rows_of(r, [&](int i) { return read_tenant(r, i); });
}

std::vector<TenantInfo> PgStore::list_tenants(std::optional<std::string_view> key) {
#define TENANT_INFO(owner)                                                                         \
    "SELECT t.key, t.display_name, " owner ", p.name, "                                            \
    "(SELECT count(*) FROM profiles WHERE tenant_id = t.id), "                                     \
    "(SELECT count(*) FROM users WHERE tenant_id = t.id) "                                         \
    "FROM tenants t LEFT JOIN profiles p ON p.id = t.default_profile_id "                          \
    "WHERE $1::text IS NULL OR t.key = $1::text ORDER BY t.key COLLATE \"C\""
    Result r = conn_.query(has_owners() ? TENANT_INFO("t.owner") : TENANT_INFO("NULL::text"),
                           {key ? Param(str(*key)) : std::nullopt});
#undef TENANT_INFO
    return rows_of(r, [&](int i) {
        return TenantInfo{Tenant{r.text(i, 0), r.optional_text(i, 1), r.optional_text(i, 2)},
                          r.text(i, 3), r.integer(i, 4), r.integer(i, 5)};
    });
}

std::vector<std::string> PgStore::tenant_keys() {
    Result r = conn_.query("SELECT key FROM tenants ORDER BY key COLLATE \"C\"");
    return rows_of(r, [&](int i) { return r.text(i, 0); });
}

namespace {

// Columns: id, name, is_default, max, wrap_up, description (then anything else).
#define PROFILE_COLUMNS                                                                            \
    "p.id, p.name, p.id = t.default_profile_id, p.max_concurrent_chats, p.wrap_up_seconds, "       \
    "p.description"

ProfileRow read_profile(const Result& r, int i, const std::string& tenant) {
    return ProfileRow{r.integer(i, 0),
                      Profile{tenant, r.text(i, 1), r.boolean(i, 2),
                              static_cast<int>(r.integer(i, 3)), static_cast<int>(r.integer(i, 4)),
                              r.optional_text(i, 5)}};
}

} // namespace

std::optional<ProfileRow> PgStore::find_profile(const TenantRow& tenant, std::string_view name) {
    Result r = conn_.query("SELECT " PROFILE_COLUMNS " FROM profiles p JOIN tenants t "
                           "ON t.id = p.tenant_id WHERE p.tenant_id = $1 "
                           "AND lower(p.name COLLATE \"C\") = lower($2::text COLLATE \"C\")",
                           {num(tenant.id), str(name)});
    if (r.rows() == 0) return std::nullopt;
    return read_profile(r, 0, tenant.tenant.key);
}

std::optional<ProfileRow> PgStore::profile_by_id(int64_t id) {
    Result r = conn_.query("SELECT " PROFILE_COLUMNS ", t.key FROM profiles p JOIN tenants t "
                           "ON t.id = p.tenant_id WHERE p.id = $1",
                           {num(id)});
    if (r.rows() == 0) return std::nullopt;
    return read_profile(r, 0, r.text(0, 6));
}

std::vector<ProfileInfo> PgStore::list_profiles(const TenantRow& tenant,
                                                std::optional<std::string_view> name) {
    Result r = conn_.query(
        "SELECT " PROFILE_COLUMNS ", (SELECT count(*) FROM users u "
        "WHERE u.tenant_id = p.tenant_id AND u.profile_id = p.id) "
        "FROM profiles p JOIN tenants t ON t.id = p.tenant_id WHERE p.tenant_id = $1 AND "
        "($2::text IS NULL OR lower(p.name COLLATE \"C\") = lower($2::text COLLATE \"C\")) "
        "ORDER BY lower(p.name COLLATE \"C\"), p.name COLLATE \"C\"",
        {num(tenant.id), name ? Param(str(*name)) : std::nullopt});
    return rows_of(r, [&](int i) {
        return ProfileInfo{read_profile(r, i, tenant.tenant.key).profile, r.integer(i, 6)};
    });
}

int64_t PgStore::insert_tenant(const Tenant& tenant) {
    // The default is set by the first default profile, before commit (deferred key).
    return conn_
        .query("INSERT INTO tenants (key, display_name, owner, default_profile_id) "
               "VALUES ($1, $2, $3, 0) RETURNING id",
               {tenant.key, tenant.display_name, tenant.owner})
        .integer(0, 0);
}

void PgStore::update_tenant(int64_t id, const Tenant& tenant) {
    conn_.query("UPDATE tenants SET display_name = $1, owner = $2 WHERE id = $3",
                {tenant.display_name, tenant.owner, num(id)});
}

void PgStore::delete_tenant(int64_t id) {
    conn_.query("DELETE FROM tenants WHERE id = $1", {num(id)});
}

void PgStore::set_default_profile(int64_t tenant_id, int64_t profile_id) {
    conn_.query("UPDATE tenants SET default_profile_id = $1 WHERE id = $2",
                {num(profile_id), num(tenant_id)});
}

int64_t PgStore::insert_profile(int64_t tenant_id, const Profile& p) {
    return conn_
        .query("INSERT INTO profiles (tenant_id, name, max_concurrent_chats, wrap_up_seconds, "
               "description) VALUES ($1, $2, $3, $4, $5) RETURNING id",
               {num(tenant_id), p.name, num(p.max_concurrent_chats), num(p.wrap_up_seconds),
                p.description})
        .integer(0, 0);
}

void PgStore::update_profile(int64_t id, const Profile& p) {
    conn_.query(
        "UPDATE profiles SET name = $1, max_concurrent_chats = $2, wrap_up_seconds = $3, "
        "description = $4 WHERE id = $5",
        {p.name, num(p.max_concurrent_chats), num(p.wrap_up_seconds), p.description, num(id)});
}

void PgStore::delete_profile(int64_t id) {
    conn_.query("DELETE FROM profiles WHERE id = $1", {num(id)});
}

} // namespace chatctl::postgres
