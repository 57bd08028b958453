// A tenant's changes: created (to end the set with a default), updated, or deleted with
// its users and profiles; and, at the end of the set, the one default of every tenant
// it touched.
#include "core/engine/applier.hpp"
#include "core/error.hpp"
#include "core/shell.hpp"
#include "core/validate.hpp"

namespace chatctl {

void Applier::tenant(const Change& c, ChangeSet& applied) {
    forget_rows();
    if (c.action == Action::create) {
        const auto& t = std::get<Tenant>(*c.after);
        if (store_.find_tenant(t.key))
            fail(ErrorKind::conflict, "tenant " + validate::quote(t.key) + " already exists");
        store_.insert_tenant(t);
        created_.insert(t.key);
        default_claims_[t.key]; // a new tenant must end with a default
        applied.push_back(c);
        return;
    }
    TenantRow row = tenant_row(c.tenant());
    if (c.action == Action::update) {
        store_.update_tenant(row.id, std::get<Tenant>(*c.after));
        applied.push_back(Change{Action::update, row.tenant, c.after});
        return;
    }
    // A tenant goes with its users and profiles; history keeps each of them. Its users go
    // a batch at a time, in login order, each batch deleted by one statement and handed on
    // before the next is read.
    for (std::optional<std::string> after;;) {
        std::vector<UserRow> page = store_.user_page(row, after, static_cast<int>(kQueue));
        if (page.empty()) break;
        after = page.back().user.login;
        std::vector<int64_t> ids;
        ids.reserve(page.size());
        for (auto& u : page) {
            ids.push_back(u.id);
            applied.push_back(Change{Action::remove, std::move(u.user), std::nullopt});
        }
        store_.delete_users(ids);
        hand_on_();
        if (page.size() < kQueue) break;
    }
    for (const auto& p : store_.list_profiles(row))
        applied.push_back(Change{Action::remove, p.profile, std::nullopt});
    store_.delete_tenant(row.id);
    default_claims_.erase(row.tenant.key);
    applied.push_back(Change{Action::remove, row.tenant, std::nullopt});
}

void Applier::check_defaults() {
    using validate::quote;
    for (const auto& [key, profile_ids] : default_claims_) {
        auto tenant = store_.find_tenant(key);
        if (!tenant) continue; // deleted in the same set
        auto current = store_.profile_by_id(tenant->default_profile_id);
        if (!current || current->profile.tenant != key)
            fail(ErrorKind::conflict, "tenant " + quote(key) + " would have no default profile",
                 {"mark one profile as the default"});
        for (const auto& [id, claims_default] : profile_ids) {
            if (claims_default != (id == tenant->default_profile_id))
                fail(ErrorKind::conflict,
                     "tenant " + quote(key) + " would have no default profile" +
                         (claims_default ? ""
                                         : ": " + quote(current->profile.name) +
                                               " is the default and no other is marked"),
                     {"make another profile the default with `" +
                      shell_command({"profile", "set-default", "NAME", "-t", key}) + "`"});
        }
    }
}

} // namespace chatctl
