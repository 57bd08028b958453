#include "core/commands/ops.hpp"

#include "core/error.hpp"
#include "core/lookup.hpp"
#include "core/shell.hpp"
#include "core/validate.hpp"

#include <set>

namespace chatctl::ops {

namespace {

using validate::quote;

std::optional<std::string> edited(const std::optional<std::string>& old, const TextEdit& edit) {
    if (!edit) return old;
    if (edit->empty()) return std::nullopt;
    return edit;
}

Change update(const Object& before, const Object& after) {
    return Change{Action::update, before, after};
}

// Adds an update only when it changes something, so an edit to the same values writes
// nothing.
void add_update(ChangeSet& changes, const Object& before, const Object& after) {
    if (!(before == after)) changes.push_back(update(before, after));
}

// The previous default loses its flag in the same set (R4). It comes before the change
// that names the new default, so that history records its state before the switch.
void demote_default(Store& store, const TenantRow& t, ChangeSet& changes) {
    if (auto current = store.profile_by_id(t.default_profile_id)) {
        Profile after = current->profile;
        after.is_default = false;
        changes.push_back(update(current->profile, after));
    }
}

// Each login once, compared as R9 compares them; the first spelling wins.
std::vector<std::string> unique_logins(const std::vector<std::string>& logins) {
    std::set<std::string> seen;
    std::vector<std::string> out;
    for (const auto& login : logins) {
        std::string folded = login;
        for (auto& c : folded)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (seen.insert(folded).second) out.push_back(login);
    }
    return out;
}

} // namespace

Planner tenant_create(const std::string& key, const TextEdit& display_name) {
    return [=](Store&) {
        Profile first{key, kDefaultProfileName, true, kDefaultMaxChats, kDefaultWrapUp, {}};
        return ChangeSet{
            Change{Action::create, std::nullopt, Tenant{key, edited({}, display_name)}},
            Change{Action::create, std::nullopt, first}};
    };
}

Planner tenant_edit(const std::string& key, const TextEdit& display_name, const TextEdit& owner) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, key);
        ChangeSet changes;
        add_update(changes, t.tenant,
                   Tenant{key, edited(t.tenant.display_name, display_name),
                          edited(t.tenant.owner, owner)});
        return changes;
    };
}

Planner tenant_delete(const std::string& key, bool force) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, key);
        if (int64_t n = store.count_users(t.id); n > 0 && !force)
            fail(ErrorKind::conflict,
                 "tenant " + key + " has " + std::to_string(n) + (n == 1 ? " user" : " users"),
                 {"delete it with its users and profiles with `" +
                  shell_command({"tenant", "delete", key, "--force"}) + "`"});
        return ChangeSet{Change{Action::remove, t.tenant, std::nullopt}};
    };
}

Planner profile_add(const std::string& tenant, const std::string& name, const ProfileEdit& fields) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, tenant);
        Profile p{tenant,
                  name,
                  fields.make_default,
                  fields.max_concurrent_chats.value_or(kDefaultMaxChats),
                  fields.wrap_up_seconds.value_or(kDefaultWrapUp),
                  edited({}, fields.description)};
        ChangeSet changes;
        if (fields.make_default) demote_default(store, t, changes);
        changes.push_back(Change{Action::create, std::nullopt, p});
        return changes;
    };
}

Planner profile_edit(const std::string& tenant, const std::string& name, const ProfileEdit& edit) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, tenant);
        ProfileRow row = require_profile(store, t, name);
        Profile after = row.profile;
        if (edit.rename) after.name = *edit.rename;
        after.max_concurrent_chats = edit.max_concurrent_chats.value_or(after.max_concurrent_chats);
        after.wrap_up_seconds = edit.wrap_up_seconds.value_or(after.wrap_up_seconds);
        after.description = edited(after.description, edit.description);
        ChangeSet changes;
        add_update(changes, row.profile, after);
        return changes;
    };
}

Planner profile_set_default(const std::string& tenant, const std::string& name) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, tenant);
        ProfileRow row = require_profile(store, t, name);
        ChangeSet changes;
        if (row.profile.is_default) return changes; // already the default: nothing to do
        Profile after = row.profile;
        after.is_default = true;
        demote_default(store, t, changes);
        changes.push_back(update(row.profile, after));
        return changes;
    };
}

Planner profile_delete(const std::string& tenant, const std::string& name,
                       const std::optional<std::string>& reassign_to) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, tenant);
        ProfileRow row = require_profile(store, t, name);
        ChangeSet changes;
        if (reassign_to) {
            ProfileRow target = require_profile(store, t, *reassign_to);
            if (target.id == row.id)
                fail(ErrorKind::conflict,
                     "--reassign-to names the profile being deleted (" + quote(row.profile.name) +
                         ")",
                     {"name another profile of tenant " + tenant});
            for (const auto& u : store.list_users(t, row.id)) {
                User after = u.user;
                after.profile = target.profile.name;
                changes.push_back(update(u.user, after));
            }
        }
        changes.push_back(Change{Action::remove, row.profile, std::nullopt});
        return changes;
    };
}

Planner user_add(const std::string& tenant, const std::string& login, const UserFields& fields,
                 const std::optional<std::string>& profile) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, tenant);
        // R5: the tenant default unless a profile is named.
        std::string profile_name =
            profile ? require_profile(store, t, *profile).profile.name
                    : store.profile_by_id(t.default_profile_id).value().profile.name;
        User u{tenant, login, edited({}, fields.name), edited({}, fields.email), profile_name};
        return ChangeSet{Change{Action::create, std::nullopt, u}};
    };
}

Planner user_edit(const std::string& tenant, const std::string& login, const UserFields& edit) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, tenant);
        UserRow row = require_user(store, t, login);
        User after = row.user;
        after.name = edited(after.name, edit.name);
        after.email = edited(after.email, edit.email);
        ChangeSet changes;
        add_update(changes, row.user, after);
        return changes;
    };
}

Planner user_assign(const std::string& tenant, const std::vector<std::string>& logins,
                    const std::string& profile) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, tenant);
        ProfileRow target = require_profile(store, t, profile);
        ChangeSet changes;
        for (const auto& row : require_users(store, t, unique_logins(logins))) {
            User after = row.user;
            after.profile = target.profile.name;
            add_update(changes, row.user, after);
        }
        return changes;
    };
}

Planner user_assign_from(const std::string& tenant, const std::string& from_profile,
                         const std::string& profile) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, tenant);
        ProfileRow from = require_profile(store, t, from_profile);
        ProfileRow target = require_profile(store, t, profile);
        ChangeSet changes;
        if (from.id == target.id) return changes;
        for (const auto& u : store.list_users(t, from.id)) {
            User after = u.user;
            after.profile = target.profile.name;
            changes.push_back(update(u.user, after));
        }
        return changes;
    };
}

Planner user_delete(const std::string& tenant, const std::vector<std::string>& logins,
                    bool ignore_not_found) {
    return [=](Store& store) {
        TenantRow t = require_tenant(store, tenant);
        ChangeSet changes;
        if (ignore_not_found) {
            for (const auto& login : unique_logins(logins))
                if (auto row = store.find_user(t, login))
                    changes.push_back(Change{Action::remove, row->user, std::nullopt});
            return changes;
        }
        for (const auto& row : require_users(store, t, unique_logins(logins)))
            changes.push_back(Change{Action::remove, row.user, std::nullopt});
        return changes;
    };
}

StreamPlanner user_delete_all(const std::string& tenant,
                              const std::optional<std::string>& profile) {
    return [=](Store& store, const ChangeSink& emit) {
        TenantRow t = require_tenant(store, tenant);
        std::optional<std::string> only;
        if (profile) only = require_profile(store, t, *profile).profile.name;
        Store::UserScan scan(store, t); // a page at a time: a million users are never held
        while (const UserRow* row = scan.next())
            if (!only || row->user.profile == *only)
                emit(Change{Action::remove, row->user, std::nullopt});
    };
}

} // namespace chatctl::ops
