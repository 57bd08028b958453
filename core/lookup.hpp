// Finding a tenant, profile or user by the name a user typed, or failing with the one
// not-found message every command shares.
#pragma once

#include "store.hpp"

#include <string>

namespace chatctl {

TenantRow require_tenant(Store& store, const std::string& key);
ProfileRow require_profile(Store& store, const TenantRow& tenant, const std::string& name);
UserRow require_user(Store& store, const TenantRow& tenant, const std::string& login);

} // namespace chatctl
