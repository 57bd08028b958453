// The PostgreSQL store's schema, as the list of migrations that build it. Version N is
// the first N migrations; the version is kept in the table chatctl_version.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace chatctl::postgres::schema {

// migrations()[i] takes a database from version i to version i + 1. A migration names
// the schema chatctl's tables are in as @schema@ (quoted as an identifier when run).
const std::vector<const char*>& migrations();
inline constexpr const char* kSchemaName = "@schema@";

// SQL for "column holds a control character" (U+0001-U+001F, DEL, C1).
std::string holds_control(const std::string& column);

// The version from which the store refuses control characters in its texts.
inline constexpr int kNoControlsVersion = 3;

// The version from which tenants have an owner.
inline constexpr int kOwnerVersion = 4;

// Packed history (version 7): the most entries one history row holds (its CHECK).
inline constexpr int kMostPackedEntries = 4096;

// The tables and indexes migrations()[i] creates (the damage a version must not hold).
const std::vector<const char*>& relations(std::size_t i);

inline int current_version() {
    return static_cast<int>(migrations().size());
}

// What the everyday role is granted (%s: the role, quoted): rows of the three tables,
// history appended and read, the version read. No DDL, no TRUNCATE.
extern const char* const kGrants;

} // namespace chatctl::postgres::schema
