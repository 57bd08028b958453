#include "core/decl/export.hpp"

#include "core/lookup.hpp"

#include <algorithm>

namespace chatctl {

namespace {

// The tenant with its profiles; its users are streamed in the hole. `default_profile` is
// set to the name of the tenant's default profile.
Json tenant_skeleton(Store& store, const TenantRow& row, bool all, std::string& default_profile) {
    Json profiles = Json::array();
    for (const auto& info : store.list_profiles(row)) {
        const Profile& p = info.profile;
        if (p.is_default) default_profile = p.name;
        Json profile{{"name", p.name}};
        if (all || p.is_default) profile["default"] = p.is_default;
        if (all || p.max_concurrent_chats != kDefaultMaxChats)
            profile["max_concurrent_chats"] = p.max_concurrent_chats;
        if (all || p.wrap_up_seconds != kDefaultWrapUp)
            profile["wrap_up_seconds"] = p.wrap_up_seconds;
        if (all || p.description)
            profile["description"] = p.description ? Json(*p.description) : Json(nullptr);
        profiles.push_back(std::move(profile));
    }
    Json tenant{{"tenant", row.tenant.key}};
    if (all || row.tenant.display_name)
        tenant["display_name"] =
            row.tenant.display_name ? Json(*row.tenant.display_name) : Json(nullptr);
    tenant["profiles"] = std::move(profiles);
    tenant["users"] = Json::array({kHole});
    return tenant;
}

void write_tenants(Store& store, const std::vector<TenantRow>& rows, std::ostream& out,
                   const ExportOptions& options, const std::function<void()>& on_user) {
    if (options.form == DocumentForm::yaml && !options.comment.empty())
        out << "# " << options.comment << "\n";
    const bool all = options.show_defaults;
    auto document = [] { return Json{{"version", 1}, {"tenants", Json::array({kHole})}}; };
    write_streamed(out, options.form, document, [&](ListWriter& list) {
        for (const auto& row : rows) {
            std::string default_profile;
            Json skeleton = tenant_skeleton(store, row, all, default_profile);
            list.nested([&] { return skeleton; },
                        [&](ListWriter& users) {
                            store.each_user(row, std::nullopt, [&](const UserRow& u) {
                                auto text = [](const std::optional<std::string>& v) {
                                    return v ? &*v : nullptr;
                                };
                                // A user on the default profile is what a new user gets.
                                const bool on_default = u.user.profile == default_profile;
                                users.flat(
                                    {{"login", &u.user.login},
                                     {"name", text(u.user.name)},
                                     {"email", text(u.user.email)},
                                     {"profile", all || !on_default ? &u.user.profile : nullptr}},
                                    all);
                                if (on_user) on_user();
                            });
                        });
        }
    });
}

} // namespace

std::vector<TenantRow> export_tenants(Store& store, const std::vector<std::string>& tenants) {
    std::vector<std::string> keys = tenants;
    if (keys.empty()) keys = store.tenant_keys(); // without counts, which cost a scan
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::vector<TenantRow> rows;
    rows.reserve(keys.size());
    for (const auto& key : keys)
        rows.push_back(require_tenant(store, key)); // all found first
    return rows;
}

void export_declaration(Store& store, const std::vector<std::string>& tenants, std::ostream& out,
                        const ExportOptions& options, const std::function<void()>& on_user) {
    write_tenants(store, export_tenants(store, tenants), out, options, on_user);
}

void export_tenant(Store& store, const TenantRow& tenant, std::ostream& out,
                   const ExportOptions& options, const std::function<void()>& on_user) {
    write_tenants(store, {tenant}, out, options, on_user);
}

} // namespace chatctl
