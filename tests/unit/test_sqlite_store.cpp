// core/store/sqlite:  migrations, the store's own guards, lookups, bulk writes' statements.
#include "core/commands/ops.hpp"
#include "core/engine.hpp"
#include "core/store/sqlite/schema.hpp"
#include "core/store/sqlite/sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstring>
#include <doctest/doctest.h>
#include <sqlite3.h>

using namespace chatctl;
using namespace chatctl::sqlite;

TEST_CASE("a new store is at the current schema version") {
    auto store = sqlite::SqliteStore::in_memory();
    CHECK(store->db().execAndGet("PRAGMA user_version").getInt() == schema::current_version());
    CHECK(store->db().execAndGet("PRAGMA foreign_keys").getInt() == 1);
}

TEST_CASE("each migration applies on top of the one before, and all together build the schema") {
    SQLite::Database stepwise(":memory:", SQLite::OPEN_READWRITE);
    for (const char* m : schema::migrations())
        CHECK_NOTHROW(stepwise.exec(m));
    auto store = sqlite::SqliteStore::in_memory();
    auto objects = [](SQLite::Database& db) {
        std::string out;
        SQLite::Statement st(db, "SELECT name FROM sqlite_schema ORDER BY name");
        while (st.executeStep())
            out += st.getColumn(0).getString() + ",";
        return out;
    };
    CHECK(objects(stepwise) == objects(store->db()));
}

TEST_CASE("lookups compare names and logins ignoring ASCII case") {
    auto store = sqlite::SqliteStore::in_memory();
    SQLite::Database& db = store->db();
    db.exec("BEGIN; INSERT INTO tenants (id, key, default_profile_id) VALUES (1, 'acme', 1);"
            "INSERT INTO profiles (id, tenant_id, name) VALUES (1, 1, 'Sales');"
            "INSERT INTO users (tenant_id, login, profile_id) VALUES (1, 'Ann', 1); COMMIT;");
    auto t = store->find_tenant("acme");
    REQUIRE(t);
    CHECK(store->find_profile(*t, "SALES")->profile.name == "Sales");
    CHECK(store->find_profile(*t, "SALES")->profile.is_default);
    CHECK(store->find_user(*t, "aNN")->user.login == "Ann");
    CHECK(!store->find_tenant("ACME"));
    CHECK(store->count_users(t->id, std::nullopt) == 1);
}

TEST_CASE("a tenant whose default is missing cannot be committed") {
    auto store = sqlite::SqliteStore::in_memory();
    SQLite::Database& db = store->db();
    db.exec("BEGIN; INSERT INTO tenants (id, key, default_profile_id) VALUES (1, 'acme', 5);");
    CHECK_THROWS_AS(db.exec("COMMIT"), SQLite::Exception);
    db.exec("ROLLBACK");
    CHECK(!store->find_tenant("acme"));
}

TEST_CASE("users deleted by login: all found and deleted, or none deleted") {
    auto store = sqlite::SqliteStore::in_memory();
    SQLite::Database& db = store->db();
    db.exec("BEGIN; INSERT INTO tenants (id, key, default_profile_id) VALUES (1, 'acme', 1);"
            "INSERT INTO profiles (id, tenant_id, name) VALUES (1, 1, 'Sales');"
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999) "
            "INSERT INTO users (tenant_id, login, name, profile_id) "
            "SELECT 1, 'u' || i, 'User ' || i, 1 FROM n; COMMIT;");
    auto t = store->find_tenant("acme");
    REQUIRE(t);
    auto count = [&] { return store->count_users(t->id, std::nullopt); };
    // More than a batch, so that the store's row guards are lifted for it.
    std::vector<std::string> logins;
    for (int i = 0; i < 1500; ++i)
        logins.push_back("U" + std::to_string(i));
    store->begin_write(Writer{"test", "test"});
    logins.push_back("ghost");
    CHECK(store->delete_users_named(*t, logins).size() == 1500);
    CHECK(count() == 2000); // one missing: none deleted
    logins.pop_back();
    auto rows = store->delete_users_named(*t, logins);
    REQUIRE(rows.size() == 1500);
    CHECK(count() == 500);
    CHECK(rows[0].user.profile == "Sales");
    CHECK(rows[0].user.name->rfind("User ", 0) == 0);
    store->commit(); // the guards lifted come back
    CHECK(count() == 500);
    CHECK_THROWS(db.exec("INSERT INTO users (tenant_id, login, name, profile_id) "
                         "VALUES (1, 'new', '', 1)"));
}

namespace {

// The statements run on a connection while it lives, counted through SQLite's trace hook
// (a trigger's program, traced as "-- TRIGGER name", is part of its statement).
class StatementCount {
  public:
    explicit StatementCount(SQLite::Database& db) : db_(db) {
        sqlite3_trace_v2(db_.getHandle(), SQLITE_TRACE_STMT, &StatementCount::traced, this);
    }
    ~StatementCount() { sqlite3_trace_v2(db_.getHandle(), 0, nullptr, nullptr); }
    StatementCount(const StatementCount&) = delete;
    StatementCount& operator=(const StatementCount&) = delete;
    int64_t n = 0;

  private:
    static int traced(unsigned, void* self, void*, void* sql) {
        if (std::strncmp(static_cast<const char*>(sql), "--", 2) != 0)
            ++static_cast<StatementCount*>(self)->n;
        return 0;
    }
    SQLite::Database& db_;
};

} // namespace

TEST_CASE("thousands of users are deleted a batch to a statement, their history too") {
    auto store = sqlite::SqliteStore::in_memory();
    const WriteContext context{"test", "test", false};
    const auto ignore = [](const Change&) {};
    const int n = 3000;
    auto add_users = [&] {
        write(*store, context, [&](Store&) {
            ChangeSet users;
            for (int i = 0; i < n; ++i)
                users.push_back(Change{Action::create, std::nullopt,
                                       User{"acme", "u" + std::to_string(i), "User", std::nullopt,
                                            kDefaultProfileName}});
            return users;
        });
    };
    write(*store, context, ops::tenant_create("acme", std::nullopt));
    add_users();
    auto deleted = [&] { // entries of the last change
        HistoryFilter f;
        f.change = store->next_change() - 1;
        return store->history_count(f);
    };
    {
        StatementCount statements(store->db());
        write(*store, context, ops::user_delete_all("acme", std::nullopt), ignore);
        CHECK(statements.n < n / 10); // a statement per user would be thousands
    }
    CHECK(deleted() == n);
    CHECK(store->count_users(store->find_tenant("acme")->id, std::nullopt) == 0);
    add_users();
    {
        StatementCount statements(store->db());
        write(*store, context, ops::tenant_delete("acme", true));
        CHECK(statements.n < n / 10);
    }
    CHECK(deleted() == n + 2); // and the tenant's profile, and the tenant
    CHECK(!store->find_tenant("acme"));
}
