// Finding a tenant, profile or user by the name a user typed, or failing with the one
// not-found message every command shares. Beneath the engine, which finds the rows its
// changes name the same way.
#pragma once

#include "core/store/store.hpp"

#include <string>
#include <vector>

namespace chatctl {

// Refuses, as a store error, a tenant whose default profile is missing.
void require_default(Store& store, const TenantRow& tenant);

// Also refuses, as a store error, a tenant whose default profile is missing: the store
// was changed by hand against R2, and no command should build on it.
TenantRow require_tenant(Store& store, const std::string& key, bool check_default = true);
ProfileRow require_profile(Store& store, const TenantRow& tenant, const std::string& name);
UserRow require_user(Store& store, const TenantRow& tenant, const std::string& login);
// Every login found, or one not-found error naming every login that is not (with the
// nearest existing login for each).
std::vector<UserRow> require_users(Store& store, const TenantRow& tenant,
                                   const std::vector<std::string>& logins);

} // namespace chatctl
