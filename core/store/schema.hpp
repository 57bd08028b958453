// The store's SQL schema, as the list of migrations that build it. Version N of the
// schema is the first N migrations; the version is kept in PRAGMA user_version.
#pragma once

#include <vector>

namespace chatctl::schema {

// migrations()[i] takes a store from version i to version i + 1.
const std::vector<const char*>& migrations();

inline int current_version() {
    return static_cast<int>(migrations().size());
}

} // namespace chatctl::schema
