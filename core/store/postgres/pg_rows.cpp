// The PostgreSQL store's queries and row writes. Names and logins are compared as
// lower(... COLLATE "C"), ASCII folding only, the expression the unique indexes hold.
#include "core/error.hpp"
#include "core/store/postgres/pg_schema.hpp"
#include "core/store/postgres/pg_store.hpp"

namespace chatctl::postgres {

namespace {

std::string num(int64_t n) {
    return std::to_string(n);
}

std::string str(std::string_view s) {
    return std::string(s);
}

#define USER_COLUMNS                                                                               \
    "SELECT u.id, u.profile_id, u.login, u.name, u.email, p.name FROM users u "                    \
    "JOIN profiles p ON p.id = u.profile_id "

UserRow read_user(const Result& r, int i, const std::string& tenant) {
    return UserRow{
        r.integer(i, 0), r.integer(i, 1),
        User{tenant, r.text(i, 2), r.optional_text(i, 3), r.optional_text(i, 4), r.text(i, 5)}};
}

// Columns: id, name, is_default, max, wrap_up, description (then anything else).
#define PROFILE_COLUMNS                                                                            \
    "p.id, p.name, p.id = t.default_profile_id, p.max_concurrent_chats, p.wrap_up_seconds, "       \
    "p.description"

// Every row of a result, made into a value by make(row).
template <class Make> auto rows_of(const Result& r, Make make) {
    std::vector<decltype(make(0))> out;
    out.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(make(i));
    return out;
}

ProfileRow read_profile(const Result& r, int i, const std::string& tenant) {
    return ProfileRow{r.integer(i, 0),
                      Profile{tenant, r.text(i, 1), r.boolean(i, 2),
                              static_cast<int>(r.integer(i, 3)), static_cast<int>(r.integer(i, 4)),
                              r.optional_text(i, 5)}};
}

const std::string* text_of(const std::string& text) {
    return &text;
}
const std::string* text_of(const std::optional<std::string>& text) {
    return text ? &*text : nullptr;
}

// A text[] literal: each element quoted, its quotes and backslashes escaped; a missing
// one is NULL.
template <class Text> std::string text_array(const std::vector<Text>& items) {
    std::string out = "{";
    for (const auto& item : items) {
        if (out.size() > 1) out += ',';
        const std::string* value = text_of(item);
        if (!value) {
            out += "NULL";
            continue;
        }
        out += '"';
        for (char c : *value) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

std::string number_array(const std::vector<int64_t>& items) {
    std::string out = "{";
    for (int64_t item : items)
        out += (out.size() > 1 ? "," : "") + num(item);
    return out + "}";
}

} // namespace

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

std::optional<UserRow> PgStore::find_user(const TenantRow& tenant, std::string_view login) {
    Result r = conn_.query(USER_COLUMNS "WHERE u.tenant_id = $1 AND lower(u.login COLLATE \"C\") "
                                        "= lower($2::text COLLATE \"C\")",
                           {num(tenant.id), str(login)});
    if (r.rows() == 0) return std::nullopt;
    return read_user(r, 0, tenant.tenant.key);
}

std::vector<UserRow> PgStore::find_users(const TenantRow& tenant,
                                         const std::vector<std::string>& logins) {
    if (logins.empty()) return {};
    // Planned for its values: a plan kept from when the tenant had few users would read
    // all of them for each batch once it has many.
    Result r =
        conn_.query_planned(USER_COLUMNS "WHERE u.tenant_id = $1 AND lower(u.login COLLATE \"C\") "
                                         "= ANY (SELECT lower(l COLLATE \"C\") "
                                         "FROM unnest($2::text[]) l)",
                            {num(tenant.id), text_array(logins)});
    return rows_of(r, [&](int i) { return read_user(r, i, tenant.tenant.key); });
}

int64_t PgStore::count_users(int64_t tenant_id, std::optional<int64_t> profile_id) {
    Result r = conn_.query("SELECT count(*) FROM users WHERE tenant_id = $1 "
                           "AND ($2::bigint IS NULL OR profile_id = $2::bigint)",
                           {num(tenant_id), profile_id ? Param(num(*profile_id)) : std::nullopt});
    return r.integer(0, 0);
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

namespace {

// A page of a tenant's users in login order, by keyset. Four statements rather than one
// with `$n IS NULL OR ...`: a prepared statement's generic plan walks the unique index
// only when the conditions are plain.
#define USER_PAGE(PROFILE, AFTER)                                                                  \
    USER_COLUMNS "WHERE u.tenant_id = $1 AND " PROFILE " AND " AFTER                               \
                 " ORDER BY lower(u.login COLLATE \"C\") LIMIT $4"
#define ANY_PROFILE "$2::bigint IS NULL"
#define ONE_PROFILE "u.profile_id = $2::bigint"
#define FROM_START "$3::text IS NULL"
#define AFTER_LOGIN "lower(u.login COLLATE \"C\") > lower($3::text COLLATE \"C\")"

const char* page_sql(bool one_profile, bool after) {
    if (one_profile)
        return after ? USER_PAGE(ONE_PROFILE, AFTER_LOGIN) : USER_PAGE(ONE_PROFILE, FROM_START);
    return after ? USER_PAGE(ANY_PROFILE, AFTER_LOGIN) : USER_PAGE(ANY_PROFILE, FROM_START);
}

} // namespace

void PgStore::each_user(const TenantRow& tenant, std::optional<int64_t> profile_id,
                        const std::function<void(const UserRow&)>& f) {
    // A page at a time, so that a million users are never held.
    constexpr int kPage = 5000;
    std::optional<std::string> after;
    for (;;) {
        Result r = conn_.query(page_sql(profile_id.has_value(), after.has_value()),
                               {num(tenant.id), profile_id ? Param(num(*profile_id)) : std::nullopt,
                                after, num(kPage)});
        for (int i = 0; i < r.rows(); ++i)
            f(read_user(r, i, tenant.tenant.key));
        if (r.rows() < kPage) return;
        after = r.text(r.rows() - 1, 2);
    }
}

std::vector<UserRow> PgStore::user_page(const TenantRow& tenant,
                                        const std::optional<std::string>& after, int limit) {
    Result r = conn_.query(page_sql(false, after.has_value()),
                           {num(tenant.id), std::nullopt, after, num(limit)});
    return rows_of(r, [&](int i) { return read_user(r, i, tenant.tenant.key); });
}

namespace {

// The history query for a filter ($N::type IS NULL when a field is not given); each run
// is planned for its values (Conn::query_planned), so the index on the change or the
// tenant leads when given: a plan made once for any values reads the whole table.
const char* history_sql(bool oldest_first) {
    static const auto all = [] {
        std::vector<std::string> out;
        for (const char* order : {"DESC", "ASC"})
            out.push_back(std::string("SELECT id, change, at, actor, command, tenant, kind, key, "
                                      "action, before, after FROM history "
                                      "WHERE ($1::text IS NULL OR tenant = $1::text) "
                                      "AND ($2::bigint IS NULL OR change = $2::bigint) "
                                      "AND ($3::text IS NULL OR kind = $3::text) "
                                      "AND ($4::text IS NULL OR lower(key COLLATE \"C\") = "
                                      "lower($4::text COLLATE \"C\")) "
                                      "AND ($5::text IS NULL OR actor = $5::text) "
                                      "AND ($6::text IS NULL OR at >= $6::text COLLATE \"C\") "
                                      "AND ($7::text IS NULL OR at <= $7::text COLLATE \"C\") "
                                      "AND ($8::bigint IS NULL OR id < $8::bigint) "
                                      "AND ($9::bigint IS NULL OR id > $9::bigint) "
                                      "ORDER BY id ") +
                          order + " LIMIT $10");
        return out;
    }();
    return all[oldest_first ? 1 : 0].c_str();
}

// The count of what a history query selects; the text stays, as statements are kept by it.
const char* history_count_sql(bool oldest_first) {
    static const std::string counts[] = {
        "SELECT count(*) FROM (" + std::string(history_sql(false)) + ") AS matching",
        "SELECT count(*) FROM (" + std::string(history_sql(true)) + ") AS matching"};
    return counts[oldest_first ? 1 : 0].c_str();
}

Param optional_num(const std::optional<int64_t>& n) {
    return n ? Param(num(*n)) : std::nullopt;
}

std::vector<Param> history_params(const HistoryFilter& f, Param limit) {
    return {f.tenant,
            optional_num(f.change),
            f.kind,
            f.key,
            f.actor,
            f.since,
            f.until,
            optional_num(f.before_id),
            optional_num(f.after_id),
            std::move(limit)};
}

} // namespace

int64_t PgStore::history_count(const HistoryFilter& f) {
    return conn_.query_planned(history_count_sql(f.oldest_first), history_params(f, std::nullopt))
        .integer(0, 0);
}

namespace {

std::vector<HistoryEntry> history_rows(const Result& r) {
    auto json = [&](int i, int col) -> Json {
        if (r.null(i, col)) return nullptr;
        Json value = Json::parse(r.text(i, col), nullptr, false);
        if (value.is_discarded())
            fail(ErrorKind::store, "a history entry holds invalid JSON",
                 {"the store was changed outside chatctl; restore a backup"});
        return value;
    };
    return rows_of(r, [&](int i) {
        return HistoryEntry{r.integer(i, 0), r.integer(i, 1), r.text(i, 2),
                            r.text(i, 3),    r.text(i, 4),    r.optional_text(i, 5),
                            r.text(i, 6),    r.text(i, 7),    r.text(i, 8),
                            json(i, 9),      json(i, 10)};
    });
}

} // namespace

std::vector<HistoryEntry> PgStore::history(const HistoryFilter& f, int limit) {
    refuse_history_before_upgrade(conn_.shown(), version_, schema::current_version());
    return history_rows(
        conn_.query_planned(history_sql(f.oldest_first), history_params(f, num(limit))));
}

// Inside a transaction, one query read through a cursor: planned once for the whole scan
// and for its first rows, it walks the index in order, where pages queried one by one
// are planned from the table's statistics (after a large import, not gathered yet: each
// page would then sort every entry of the change).
void PgStore::history_pages(HistoryFilter f, int page, const HistoryPage& each) {
    if (!conn_.in_transaction()) return Store::history_pages(std::move(f), page, each);
    refuse_history_before_upgrade(conn_.shown(), version_, schema::current_version());
    const std::string declare =
        std::string("DECLARE chatctl_history NO SCROLL CURSOR FOR ") + history_sql(f.oldest_first);
    conn_.query_planned(declare.c_str(), history_params(f, std::nullopt));
    struct Close {
        Conn& conn;
        ~Close() {
            try {
                conn.run("CLOSE chatctl_history");
            } catch (...) { // a failed transaction takes the cursor with it
            }
        }
    } close{conn_};
    const std::string fetch = "FETCH " + num(page) + " FROM chatctl_history";
    for (;;) {
        auto rows = history_rows(conn_.query_planned(fetch.c_str(), {}));
        if (!rows.empty()) each(rows);
        if (rows.size() < static_cast<size_t>(page)) return;
    }
}

int64_t PgStore::next_change() {
    return conn_.query("SELECT coalesce(max(change), 0) + 1 FROM history").integer(0, 0);
}

std::vector<std::string> PgStore::tenant_keys() {
    Result r = conn_.query("SELECT key FROM tenants ORDER BY key COLLATE \"C\"");
    return rows_of(r, [&](int i) { return r.text(i, 0); });
}

std::vector<std::string> PgStore::logins_starting(const TenantRow& tenant, std::string_view prefix,
                                                  int limit) {
    std::string pattern;
    for (char c : prefix) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    Result r = conn_.query("SELECT login FROM users WHERE tenant_id = $1 AND lower(login COLLATE "
                           "\"C\") LIKE lower($2::text COLLATE \"C\") ESCAPE '\\' ORDER BY "
                           "lower(login COLLATE \"C\"), login COLLATE \"C\" LIMIT $3",
                           {num(tenant.id), pattern + "%", num(limit)});
    return rows_of(r, [&](int i) { return r.text(i, 0); });
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

void PgStore::insert_users(const std::vector<NewUser>& users) {
    if (users.empty()) return;
    // One COPY for the batch, inside a savepoint: when the database refuses a row, the
    // transaction goes on from before the batch, and the refused user is found alone.
    std::string rows;
    for (const auto& u : users) {
        rows += num(u.tenant_id);
        rows += '\t';
        copy_field(rows, u.user.login);
        rows += '\t';
        copy_field(rows, u.user.name);
        rows += '\t';
        copy_field(rows, u.user.email);
        rows += '\t';
        rows += num(u.profile_id);
        rows += '\n';
    }
    conn_.run("SAVEPOINT users_batch");
    try {
        conn_.copy_in("COPY users (tenant_id, login, name, email, profile_id) FROM STDIN", rows);
        conn_.run("RELEASE SAVEPOINT users_batch");
        return;
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::conflict) throw; // locked, lost...: not a row's fault
        conn_.run("ROLLBACK TO SAVEPOINT users_batch");
    }
    for (size_t i = 0; i < users.size(); ++i) {
        const NewUser& u = users[i];
        try {
            conn_.query(
                "INSERT INTO users (tenant_id, login, name, email, profile_id) "
                "VALUES ($1, $2, $3, $4, $5)",
                {num(u.tenant_id), u.user.login, u.user.name, u.user.email, num(u.profile_id)});
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::conflict) throw;
            auto error = std::current_exception();
            conn_.run("ROLLBACK TO SAVEPOINT users_batch");
            throw UserRefused{i, error};
        }
    }
    conn_.run("RELEASE SAVEPOINT users_batch"); // refused together, accepted one by one
}

void PgStore::update_user(int64_t id, int64_t profile_id, const User& u) {
    conn_.query("UPDATE users SET login = $1, name = $2, email = $3, profile_id = $4 WHERE id = $5",
                {u.login, u.name, u.email, num(profile_id), num(id)});
}

void PgStore::update_users(const std::vector<UserUpdate>& users) {
    if (users.empty()) return;
    // One statement for the batch: a round trip per user is most of an apply's time.
    std::vector<int64_t> ids, profiles;
    std::vector<std::string> logins;
    std::vector<std::optional<std::string>> names, emails;
    for (const auto& u : users) {
        ids.push_back(u.id);
        profiles.push_back(u.profile_id);
        logins.push_back(u.user.login);
        names.push_back(u.user.name);
        emails.push_back(u.user.email);
    }
    conn_.query("UPDATE users u SET login = v.login, name = v.name, email = v.email, "
                "profile_id = v.profile_id FROM unnest($1::bigint[], $2::text[], $3::text[], "
                "$4::text[], $5::bigint[]) AS v (id, login, name, email, profile_id) "
                "WHERE u.id = v.id",
                {number_array(ids), text_array(logins), text_array(names), text_array(emails),
                 number_array(profiles)});
}

void PgStore::delete_users(const std::vector<int64_t>& ids) {
    if (ids.empty()) return;
    conn_.query("DELETE FROM users WHERE id = ANY ($1::bigint[])", {number_array(ids)});
}

void PgStore::insert_history(const std::vector<HistoryRow>& rows) {
    std::string data;
    for (const auto& h : rows) {
        data += num(h.change);
        data += '\t';
        for (const std::string* field : {&h.at, &h.actor, &h.command, &h.tenant}) {
            copy_field(data, *field);
            data += '\t';
        }
        data += h.kind;
        data += '\t';
        copy_field(data, h.key);
        data += '\t';
        data += h.action;
        data += '\t';
        copy_field(data, h.before);
        data += '\t';
        copy_field(data, h.after);
        data += '\n';
    }
    conn_.copy_in(
        "COPY history (change, at, actor, command, tenant, kind, key, action, before, after) "
        "FROM STDIN",
        data);
}

} // namespace chatctl::postgres
