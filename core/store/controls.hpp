// Control characters in a store's texts. Since SQLite version 5 and PostgreSQL version 3
// both stores refuse a control (C0, DEL, C1) in every text column, whoever writes. The
// columns are listed once here, for both schemas and for the check an upgrade makes: a
// store that already holds such a value is not upgraded (its data is never changed
// silently); the error names the values, so that they can be corrected first.
#pragma once

#include <string>
#include <vector>

namespace chatctl::store_controls {

struct TextColumns {
    const char* table;
    const char* label; // SQL naming a row for a person: 'profile ' || ... || name
    std::vector<const char*> columns;
};

// Every text column that could hold a control. Tenant keys and logins are left out:
// their CHECKs allow only letters, digits and a few marks; so are tenants' owners, whose
// column came later (SQLite version 6, PostgreSQL version 4) with such a CHECK. This list
// is the one those two versions' migrations were built from: a column added later has
// its guards in its own migration.
const std::vector<TextColumns>& text_columns();

// How many values an error names; a query asks for one more, to say there are more.
inline constexpr size_t kShown = 10;

// A query of the first values (label, column) that match, where matches(column) is the
// store's SQL for "column holds a control".
std::string find_sql(std::string (*matches)(const std::string& column), int limit);

// Refuses an upgrade of `store` (named for a person) whose query found `found` (label,
// column pairs): a store error naming them, with the way out.
[[noreturn]] void refuse_upgrade(const std::string& store,
                                 const std::vector<std::pair<std::string, std::string>>& found,
                                 int version);

} // namespace chatctl::store_controls
