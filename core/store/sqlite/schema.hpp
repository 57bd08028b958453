// The store's SQL schema, as the list of migrations that build it. Version N of the
// schema is the first N migrations; the version is kept in PRAGMA user_version.
#pragma once

#include <string>
#include <vector>

namespace chatctl::sqlite::schema {

// migrations()[i] takes a store from version i to version i + 1.
const std::vector<const char*>& migrations();

// The tables, indexes and triggers migrations()[i] creates.
struct Object {
    bool table;
    std::string name;
};
const std::vector<Object>& objects(int i);

// SQL for "column holds a control character" (U+0001-U+001F, DEL, C1).
std::string holds_control(const std::string& column);

// The version from which the store refuses control characters in its texts.
inline constexpr int kNoControlsVersion = 5;

// The version from which tenants have an owner.
inline constexpr int kOwnerVersion = 6;

inline int current_version() {
    return static_cast<int>(migrations().size());
}

} // namespace chatctl::sqlite::schema
