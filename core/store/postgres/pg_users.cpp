// The PostgreSQL store's users, read and written: logins compared as
// lower(login COLLATE "C"), as the unique index holds them; found a batch at a time,
// paged by keyset, inserted by COPY in a savepoint (sent, its answer read before the next
// statement), updated and deleted (found and deleted by login) a batch to a statement.
#include "core/error.hpp"
#include "core/store/postgres/pg_rows.hpp"
#include "core/store/postgres/pg_store.hpp"

#include <utility>

namespace chatctl::postgres {

namespace {

#define USER_COLUMNS                                                                               \
    "SELECT u.id, u.profile_id, u.login, u.name, u.email, p.name FROM users u "                    \
    "JOIN profiles p ON p.id = u.profile_id "

UserRow read_user(const Result& r, int i, const std::string& tenant) {
    return UserRow{
        r.integer(i, 0), r.integer(i, 1),
        User{tenant, r.text(i, 2), r.optional_text(i, 3), r.optional_text(i, 4), r.text(i, 5)}};
}

} // namespace

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
    // Planned for its values (as every statement is): a plan kept from when the tenant had
    // few users would read all of them for each batch once it has many.
    Result r = conn_.query(USER_COLUMNS "WHERE u.tenant_id = $1 AND lower(u.login COLLATE \"C\") "
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

namespace {

// A page of a tenant's users in login order, by keyset. Four statements rather than one
// with `$n IS NULL OR ...`: the plainer the conditions, the surer the plan walks the
// unique index.
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
    // A page at a time, so that a million users are never held; a small one, as the work
    // f does with a page is done inside the transaction, between two statements, where a
    // server's idle_in_transaction_session_timeout counts it (some 10 ms for 500 users
    // on a busy machine).
    constexpr int kPage = 500;
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

// One COPY for the batch, inside a savepoint, sent without waiting: the server takes it
// while the next batch is built. Its answer is read before the next statement.
void PgStore::insert_users(std::vector<NewUser> users) {
    if (users.empty()) return;
    std::string& rows = copy_text_;
    rows.clear();
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
    conn_.run("SAVEPOINT users_batch"); // the batch before it settled first
    users_in_flight_ = std::move(users);
    conn_.copy_send("COPY users (tenant_id, login, name, email, profile_id) FROM STDIN", rows,
                    [this](const std::exception_ptr& error) { users_settled(error); });
}

// When the database refused a row, the transaction goes on from before the batch, and the
// refused user is found alone.
void PgStore::users_settled(const std::exception_ptr& error) {
    const std::vector<NewUser> users = std::move(users_in_flight_);
    users_in_flight_.clear();
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::conflict) throw; // locked, lost...: not a row's fault
        }
        conn_.run("ROLLBACK TO SAVEPOINT users_batch");
        for (const NewUser& u : users) {
            try {
                conn_.query(
                    "INSERT INTO users (tenant_id, login, name, email, profile_id) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    {num(u.tenant_id), u.user.login, u.user.name, u.user.email, num(u.profile_id)});
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::conflict) throw;
                auto refused = std::current_exception();
                conn_.run("ROLLBACK TO SAVEPOINT users_batch");
                throw UserRefused{u.tenant_id, u.user.login, refused};
            }
        }
    }
    conn_.run("RELEASE SAVEPOINT users_batch"); // taken, or refused together and taken alone
    added_users_ += static_cast<int64_t>(users.size());
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

// Found and deleted by one statement, their rows returned as they were: the DELETE of a
// WITH runs whether or not its rows are read, and deletes only when every login is found.
std::vector<UserRow> PgStore::delete_users_named(const TenantRow& tenant,
                                                 const std::vector<std::string>& logins) {
    if (logins.empty()) return {};
    Result r = conn_.query(
        "WITH found (id, profile_id, login, name, email, profile) AS (" USER_COLUMNS
        "WHERE u.tenant_id = $1 AND lower(u.login COLLATE \"C\") = ANY (SELECT lower(l COLLATE "
        "\"C\") FROM unnest($2::text[]) l)), gone AS (DELETE FROM users WHERE id IN (SELECT id "
        "FROM found) AND (SELECT count(*) FROM found) = $3) SELECT * FROM found",
        {num(tenant.id), text_array(logins), num(static_cast<int64_t>(logins.size()))});
    return rows_of(r, [&](int i) { return read_user(r, i, tenant.tenant.key); });
}

} // namespace chatctl::postgres
