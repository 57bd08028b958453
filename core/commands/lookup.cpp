#include "core/commands/lookup.hpp"

#include "core/error.hpp"
#include "core/validate.hpp"

namespace chatctl {

using validate::quote;

void require_default(Store& store, const TenantRow& tenant) {
    auto p = store.profile_by_id(tenant.default_profile_id);
    if (!p || p->profile.tenant != tenant.tenant.key)
        fail(ErrorKind::store,
             "the store breaks a rule: tenant " + tenant.tenant.key + " has no default profile",
             {"the store was changed outside chatctl; restore a backup, or repair it with "
              "SQL (`PRAGMA foreign_key_check`)"});
}

TenantRow require_tenant(Store& store, const std::string& key, bool check_default) {
    auto row = store.find_tenant(key);
    if (!row)
        fail(ErrorKind::not_found, "tenant " + quote(key) + " not found",
             {"list tenants with `chatctl tenant list`"});
    if (check_default) require_default(store, *row);
    return *row;
}

ProfileRow require_profile(Store& store, const TenantRow& tenant, const std::string& name) {
    auto row = store.find_profile(tenant, name);
    if (!row)
        fail(ErrorKind::not_found,
             "profile " + quote(name) + " not found in tenant " + tenant.tenant.key,
             {"list profiles with `chatctl profile list -t " + tenant.tenant.key + "`"});
    return *row;
}

UserRow require_user(Store& store, const TenantRow& tenant, const std::string& login) {
    auto row = store.find_user(tenant, login);
    if (!row)
        fail(ErrorKind::not_found,
             "user " + quote(login) + " not found in tenant " + tenant.tenant.key,
             {"list users with `chatctl user list -t " + tenant.tenant.key + "`"});
    return *row;
}

} // namespace chatctl
