#include "core/commands/queries.hpp"

#include "core/error.hpp"
#include "core/lookup.hpp"
#include "core/validate.hpp"

#include <algorithm>

namespace chatctl::queries {

namespace {

// A change as history --changes shows it, its entries counted as they are read.
struct ChangeCounts {
    Json head; // change, at, actor, command, reason
    int64_t counts[3][3] = {};

    Json json() const {
        Json out = head;
        const char* kinds[] = {"tenant", "profile", "user"};
        const char* actions[] = {"create", "update", "delete"};
        for (int k = 0; k < 3; ++k)
            for (int a = 0; a < 3; ++a)
                out[std::string(kinds[k]) + "_" + actions[a]] = counts[k][a];
        return out;
    }
    void count(const HistoryEntry& e) {
        const int k = e.kind == "tenant" ? 0 : e.kind == "profile" ? 1 : 2;
        const int a = e.action == "create" ? 0 : e.action == "update" ? 1 : 2;
        ++counts[k][a];
    }
};

// A tenant neither in the store nor in history is not found, with its hint.
void require_known_tenant(Store& store, const HistoryFilter& filter) {
    if (filter.tenant && !store.find_tenant(*filter.tenant) &&
        !store.tenant_in_history(*filter.tenant))
        require_tenant(store, *filter.tenant);
}

} // namespace

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

void all_users(Store& store, const std::function<void(const Json&)>& f) {
    for (const auto& key : store.tenant_keys())
        if (auto t = store.find_tenant(key))
            store.each_user(*t, std::nullopt, [&](const UserRow& row) { f(to_json(row.user)); });
}

Json user_find(Store& store, const std::string& login) {
    Json out = Json::array();
    for (const auto& key : store.tenant_keys())
        if (auto t = store.find_tenant(key))
            if (auto user = store.find_user(*t, login)) out.push_back(to_json(user->user));
    if (out.empty())
        fail(ErrorKind::not_found, "no tenant has a user " + validate::quote(login),
             {"logins are compared ignoring case; `chatctl user list --all-tenants` lists "
              "every user"});
    return out;
}

Json history_entry(const HistoryEntry& e) {
    return Json{{"id", e.id},           {"change", e.change},
                {"at", e.at},           {"actor", e.actor},
                {"command", e.command}, {"tenant", e.tenant ? Json(*e.tenant) : Json(nullptr)},
                {"kind", e.kind},       {"key", e.key},
                {"action", e.action},   {"before", e.before},
                {"after", e.after},     {"reason", optional_json(e.reason)}};
}

int64_t history(Store& store, const HistoryFilter& filter, std::optional<int64_t> limit,
                const std::function<void(const Json&)>& f) {
    require_known_tenant(store, filter);
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

bool history_changes(Store& store, const HistoryFilter& filter, std::optional<int64_t> limit,
                     const std::function<void(const Json&)>& f) {
    require_known_tenant(store, filter);
    constexpr int kPage = 1000;
    HistoryFilter rest = filter; // what is not read yet
    rest.texts = true;           // the objects are not shown: never parsed
    std::optional<ChangeCounts> change;
    int64_t shown = 0;
    for (;;) {
        const auto entries = store.history(rest, kPage);
        for (const auto& e : entries) {
            if (!change || change->head["change"] != e.change) {
                if (change) f(change->json());
                if (change && limit && ++shown == *limit) return true; // another one follows
                change.emplace();
                change->head = Json{{"change", e.change},
                                    {"at", e.at},
                                    {"actor", e.actor},
                                    {"command", e.command},
                                    {"reason", optional_json(e.reason)}};
            }
            change->count(e);
        }
        if (static_cast<int>(entries.size()) < kPage) break;
        (filter.oldest_first ? rest.after_id : rest.before_id) = entries.back().id;
    }
    if (change) f(change->json());
    return false;
}

} // namespace chatctl::queries
