#include "core/store/controls.hpp"

#include "core/error.hpp"

namespace chatctl::store_controls {

#define TENANT_OF "(SELECT t.key FROM tenants t WHERE t.id = tenant_id)"

const std::vector<TextColumns>& text_columns() {
    static const std::vector<TextColumns> all = {
        {"tenants", "'tenant ' || key", {"display_name"}},
        {"profiles", "'profile ' || " TENANT_OF " || '/' || name", {"name", "description"}},
        {"users", "'user ' || " TENANT_OF " || '/' || login", {"name", "email"}},
        {"history",
         "'history entry ' || id",
         {"at", "actor", "command", "tenant", "kind", "key", "action", "before", "after"}},
    };
    return all;
}

std::string find_sql(std::string (*matches)(const std::string& column), int limit) {
    std::string sql;
    for (const auto& t : text_columns())
        for (const char* column : t.columns)
            sql += std::string(sql.empty() ? "" : " UNION ALL ") + "SELECT * FROM (SELECT " +
                   t.label + ", '" + column + "' FROM " + t.table + " WHERE " + matches(column) +
                   " LIMIT " + std::to_string(limit) + ") AS found";
    return "SELECT * FROM (" + sql + ") AS every LIMIT " + std::to_string(limit);
}

void refuse_upgrade(const std::string& store,
                    const std::vector<std::pair<std::string, std::string>>& found, int version) {
    std::string which;
    for (size_t i = 0; i < found.size() && i < kShown; ++i)
        which += (which.empty() ? "" : ", ") + found[i].first + " (" + found[i].second + ")";
    fail(ErrorKind::store,
         store + " cannot be upgraded to schema version " + std::to_string(version) +
             ": it holds control characters, which that version refuses, in " + which +
             (found.size() > kShown ? " and more" : ""),
         {"correct those values (as the store's owner, with SQL), then run `chatctl store "
          "upgrade`; it was left untouched",
          "read commands show the store as it is, each control escaped (\\x1b)"});
}

} // namespace chatctl::store_controls
