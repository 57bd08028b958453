// core/store/sqlite:  migrations, the store's own guards, lookups.
#include "core/store/sqlite/schema.hpp"
#include "core/store/sqlite/sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

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
