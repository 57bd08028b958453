#include "core/commands/queries.hpp"

#include "core/lookup.hpp"

#include <algorithm>

namespace chatctl::queries {

Json tenant_list(Store& store) {
    Json out = Json::array();
    for (const auto& info : store.list_tenants())
        out.push_back(to_json(info));
    return out;
}

Json tenant_show(Store& store, const std::string& key) {
    require_tenant(store, key);
    return to_json(store.list_tenants(key).at(0));
}

Json profile_list(Store& store, const std::string& tenant) {
    Json out = Json::array();
    for (const auto& info : store.list_profiles(require_tenant(store, tenant)))
        out.push_back(to_json(info));
    return out;
}

Json profile_show(Store& store, const std::string& tenant, const std::string& name) {
    TenantRow t = require_tenant(store, tenant);
    require_profile(store, t, name);
    return to_json(store.list_profiles(t, name).at(0));
}

void user_list(Store& store, const std::string& tenant, const std::optional<std::string>& profile,
               const std::function<void(const Json&)>& f) {
    TenantRow t = require_tenant(store, tenant);
    std::optional<int64_t> profile_id;
    if (profile) profile_id = require_profile(store, t, *profile).id;
    store.each_user(t, profile_id, [&](const UserRow& row) { f(to_json(row.user)); });
}

Json user_show(Store& store, const std::string& tenant, const std::string& login) {
    return to_json(require_user(store, require_tenant(store, tenant), login).user);
}

Json history_entry(const HistoryEntry& e) {
    return Json{{"id", e.id},           {"change", e.change},
                {"at", e.at},           {"actor", e.actor},
                {"command", e.command}, {"tenant", e.tenant ? Json(*e.tenant) : Json(nullptr)},
                {"kind", e.kind},       {"key", e.key},
                {"action", e.action},   {"before", e.before},
                {"after", e.after}};
}

int64_t history(Store& store, const HistoryFilter& filter, std::optional<int64_t> limit,
                const std::function<void(const Json&)>& f) {
    if (filter.tenant && !store.find_tenant(*filter.tenant) &&
        !store.tenant_in_history(*filter.tenant))
        require_tenant(store, *filter.tenant); // not found, with its hint
    // Memory stays flat whatever --all finds; and a page is small, as f's work with it is
    // done between two statements of the read transaction, where a server's
    // idle_in_transaction_session_timeout counts it (parsing and printing 250 entries:
    // a few milliseconds).
    constexpr int64_t kPage = 250;
    HistoryFilter rest = filter; // what is not read yet
    int64_t shown = 0;
    for (;;) {
        const int64_t want = limit ? std::min(kPage, *limit - shown) : kPage;
        if (want <= 0) break;
        const auto entries = store.history(rest, static_cast<int>(want));
        for (const auto& e : entries)
            f(history_entry(e));
        shown += static_cast<int64_t>(entries.size());
        if (static_cast<int64_t>(entries.size()) < want) return shown;
        (filter.oldest_first ? rest.after_id : rest.before_id) = entries.back().id;
    }
    return store.history(rest, 1).empty() ? shown : shown + store.history_count(rest);
}

} // namespace chatctl::queries
