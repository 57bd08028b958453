#include "core/decl/export.hpp"

#include "core/commands/lookup.hpp"

#include <algorithm>

namespace chatctl {

namespace {

Json optional_text(const std::optional<std::string>& v) {
    return v ? Json(*v) : Json(nullptr);
}

Json tenant_declaration(Store& store, const TenantRow& row) {
    Json profiles = Json::array();
    for (const auto& info : store.list_profiles(row)) {
        const Profile& p = info.profile;
        profiles.push_back(Json{{"name", p.name},
                                {"default", p.is_default},
                                {"max_concurrent_chats", p.max_concurrent_chats},
                                {"wrap_up_seconds", p.wrap_up_seconds},
                                {"description", optional_text(p.description)}});
    }
    Json users = Json::array();
    for (const auto& u : store.list_users(row))
        users.push_back(Json{{"login", u.user.login},
                             {"name", optional_text(u.user.name)},
                             {"email", optional_text(u.user.email)},
                             {"profile", u.user.profile}});
    return Json{{"tenant", row.tenant.key},
                {"display_name", optional_text(row.tenant.display_name)},
                {"profiles", std::move(profiles)},
                {"users", std::move(users)}};
}

} // namespace

Json export_declaration(Store& store, const std::vector<std::string>& tenants) {
    std::vector<std::string> keys = tenants;
    if (keys.empty())
        for (const auto& info : store.list_tenants())
            keys.push_back(info.tenant.key);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::vector<TenantRow> rows;
    rows.reserve(keys.size());
    for (const auto& key : keys)
        rows.push_back(require_tenant(store, key)); // all found first
    Json list = Json::array();
    for (const auto& row : rows)
        list.push_back(tenant_declaration(store, row));
    return Json{{"version", 1}, {"tenants", std::move(list)}};
}

} // namespace chatctl
