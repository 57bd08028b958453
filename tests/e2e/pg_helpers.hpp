// What the PostgreSQL suites share: SQL as the schema's owner, the sandbox's database, and
// stores of an older schema version.
#pragma once

#include "core/store/postgres/pg_schema.hpp"
#include "harness.hpp"

#include <exception>
#include <string>

namespace e2e {

// Runs SQL as the schema's owner; its error, or "".
inline std::string as_owner(const Sandbox& s, const std::string& sql) {
    try {
        s.query(sql);
        return "";
    } catch (const std::exception& e) {
        return e.what();
    }
}

// The sandbox's database name, read off its URI.
inline std::string database_of(const Sandbox& s) {
    const std::string& uri = s.db();
    const size_t start = uri.find(":///") + 4;
    return uri.substr(start, uri.find('?') - start);
}

// The SQL that makes a store of an older schema version, in public (or in `schema`, quoted
// as an identifier, which must then lead the search_path).
inline std::string schema_of_version(size_t version, const std::string& schema = "public") {
    std::string sql;
    for (size_t v = 0; v < version; ++v)
        sql += chatctl::postgres::schema::migrations()[v];
    size_t at = sql.find("@schema@");
    for (; at != std::string::npos; at = sql.find("@schema@", at + schema.size()))
        sql.replace(at, 8, schema);
    return sql + "INSERT INTO chatctl_version (version) VALUES (" + std::to_string(version) + ");";
}

} // namespace e2e
