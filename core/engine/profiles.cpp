// A profile's changes: created or updated (its name unique in its tenant, ignoring case;
// the default it claims remembered), or deleted when no user has it and it is not its
// tenant's default, unless its tenant's removal comes next.
#include "core/engine/applier.hpp"
#include "core/error.hpp"
#include "core/shell.hpp"
#include "core/validate.hpp"

namespace chatctl {

void Applier::profile(const Change& c, ChangeSet& applied) {
    using validate::quote;
    forget_rows();
    TenantRow t = tenant_row(c.tenant());
    if (c.action == Action::create) {
        const auto& p = std::get<Profile>(*c.after);
        if (auto existing = store_.find_profile(t, p.name))
            fail(ErrorKind::conflict,
                 "profile " + quote(existing->profile.name) + " already exists" +
                     in_tenant(t.tenant.key) +
                     (existing->profile.name == p.name ? ""
                                                       : " (names are compared ignoring case)"));
        claim_default(t, store_.insert_profile(t.id, p), p.is_default);
        applied.push_back(c);
        return;
    }
    ProfileRow row = profile_row(t, c.key());
    if (c.action == Action::update) {
        const auto& p = std::get<Profile>(*c.after);
        if (auto other = store_.find_profile(t, p.name); other && other->id != row.id)
            fail(ErrorKind::conflict, "profile " + quote(other->profile.name) + " already exists" +
                                          in_tenant(t.tenant.key));
        store_.update_profile(row.id, p);
        claim_default(t, row.id, p.is_default);
        applied.push_back(Change{Action::update, row.profile, c.after});
        return;
    }
    if (row.profile.is_default) {
        // Unless its tenant's removal comes next: a removal written out in full, as a
        // plan shows it (the tenant's own removal then records it).
        held_default_.emplace(t, row);
        return;
    }
    if (int64_t n = store_.count_users(t.id, row.id); n > 0)
        fail(ErrorKind::conflict,
             "profile " + quote(row.profile.name) + " has " + std::to_string(n) +
                 (n == 1 ? " user" : " users") + in_tenant(t.tenant.key),
             {"move them and delete it in one step with `" +
              shell_command({"profile", "delete", row.profile.name, "-t", t.tenant.key,
                             "--reassign-to", "PROFILE"}) +
              "`"});
    store_.delete_profile(row.id);
    default_claims_[t.tenant.key].erase(row.id);
    // History keeps the state before the command: a default that an earlier change of
    // this set moved away was still the default then (the plan says so too).
    Profile before = row.profile;
    if (c.before) before.is_default = std::get<Profile>(*c.before).is_default;
    applied.push_back(Change{Action::remove, before, std::nullopt});
}

void Applier::claim_default(const TenantRow& t, int64_t profile_id, bool is_default) {
    if (!created_.count(t.tenant.key)) first_defaults_.emplace(t.tenant.key, t.default_profile_id);
    default_claims_[t.tenant.key][profile_id] = is_default;
    if (is_default) store_.set_default_profile(t.id, profile_id);
}

void Applier::check_held() {
    if (held_default_) refuse_default_delete(held_default_->first, held_default_->second);
}

void Applier::refuse_default_delete(const TenantRow& t, const ProfileRow& row) {
    fail(ErrorKind::conflict,
         "profile " + validate::quote(row.profile.name) + " is the default of tenant " +
             t.tenant.key + " and cannot be deleted",
         {"make another profile the default first: `" +
          shell_command({"profile", "set-default", "OTHER", "-t", t.tenant.key}) + "`"});
}

// A default moved by the set from a profile that no change of it names (a revert --force
// that puts back an older default): that profile lost its flag all the same, and history
// must say so. Deleted ones say it in their own entry.
void Applier::record_lost_defaults(ChangeSet& applied) {
    for (const auto& [key, first] : first_defaults_) {
        auto tenant = store_.find_tenant(key);
        if (!tenant || tenant->default_profile_id == first || default_claims_[key].count(first))
            continue;
        auto lost = store_.profile_by_id(first);
        if (!lost || lost->profile.tenant != key) continue;
        Profile before = lost->profile;
        before.is_default = true;
        default_claims_[key][first] = false;
        applied.push_back(Change{Action::update, before, lost->profile});
    }
}

} // namespace chatctl
