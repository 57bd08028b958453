#include "core/decl/export.hpp"

#include "core/lookup.hpp"

#include <algorithm>

namespace chatctl {

namespace {

Json optional_text(const std::optional<std::string>& v) {
    return v ? Json(*v) : Json(nullptr);
}

// The tenant with its profiles; its users are streamed in the hole.
Json tenant_skeleton(Store& store, const TenantRow& row) {
    Json profiles = Json::array();
    for (const auto& info : store.list_profiles(row)) {
        const Profile& p = info.profile;
        profiles.push_back(Json{{"name", p.name},
                                {"default", p.is_default},
                                {"max_concurrent_chats", p.max_concurrent_chats},
                                {"wrap_up_seconds", p.wrap_up_seconds},
                                {"description", optional_text(p.description)}});
    }
    return Json{{"tenant", row.tenant.key},
                {"display_name", optional_text(row.tenant.display_name)},
                {"profiles", std::move(profiles)},
                {"users", Json::array({kHole})}};
}

} // namespace

void export_declaration(Store& store, const std::vector<std::string>& tenants, std::ostream& out,
                        DocumentForm form, const std::function<void()>& on_user) {
    std::vector<std::string> keys = tenants;
    if (keys.empty()) keys = store.tenant_keys(); // without counts, which cost a scan
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::vector<TenantRow> rows;
    rows.reserve(keys.size());
    for (const auto& key : keys)
        rows.push_back(require_tenant(store, key)); // all found first
    auto document = [] { return Json{{"version", 1}, {"tenants", Json::array({kHole})}}; };
    write_streamed(out, form, document, [&](ListWriter& list) {
        for (const auto& row : rows) {
            Json skeleton = tenant_skeleton(store, row);
            list.nested([&] { return skeleton; },
                        [&](ListWriter& users) {
                            store.each_user(row, std::nullopt, [&](const UserRow& u) {
                                auto text = [](const std::optional<std::string>& v) {
                                    return v ? &*v : nullptr;
                                };
                                users.flat({{"login", &u.user.login},
                                            {"name", text(u.user.name)},
                                            {"email", text(u.user.email)},
                                            {"profile", &u.user.profile}});
                                if (on_user) on_user();
                            });
                        });
        }
    });
}

} // namespace chatctl
