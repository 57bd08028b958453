// The PostgreSQL store's schema, as the list of migrations that build it. Version N is
// the first N migrations; the version is kept in the table chatctl_version.
#pragma once

#include <cstddef>
#include <vector>

namespace chatctl::postgres::schema {

// migrations()[i] takes a database from version i to version i + 1.
const std::vector<const char*>& migrations();

// The tables and indexes migrations()[i] creates (the damage a version must not hold).
const std::vector<const char*>& relations(std::size_t i);

inline int current_version() {
    return static_cast<int>(migrations().size());
}

// What the everyday role is granted (%s: the role, quoted): rows of the three tables,
// history appended and read, the version read. No DDL, no TRUNCATE.
extern const char* const kGrants;

} // namespace chatctl::postgres::schema
