// What the read commands ask: each returns objects in the JSON form the contract gives,
// in the stable order (case-insensitively, then by code point).
#pragma once

#include "core/store/store.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chatctl::queries {

// The fields of each object's JSON form, in order (the columns of a CSV list).
inline const std::vector<std::string> kTenantFields = {"tenant",          "display_name", "owner",
                                                       "default_profile", "profiles",     "users"};
inline const std::vector<std::string> kProfileFields = {
    "tenant", "name", "default", "max_concurrent_chats", "wrap_up_seconds", "description", "users"};
inline const std::vector<std::string> kUserFields = {"tenant", "login", "name", "email", "profile"};
inline const std::vector<std::string> kHistoryFields = {
    "id", "change", "at", "actor", "command", "tenant", "kind", "key", "action", "before", "after"};

Json tenant_list(Store& store);
Json tenant_show(Store& store, const std::string& key);
Json profile_list(Store& store, const std::string& tenant);
Json profile_show(Store& store, const std::string& tenant, const std::string& name);
// Each user of the tenant (of one profile when named), in login order, one at a time;
// the tenant and profile are looked up first.
void user_list(Store& store, const std::string& tenant, const std::optional<std::string>& profile,
               const std::function<void(const Json&)>& f);
Json user_show(Store& store, const std::string& tenant, const std::string& login);
// The entries the filter selects, newest first, the `limit` first of them (every one
// without), each handed to f as it is read, a page at a time; a tenant neither in the
// store nor in history is not found. Returns how many entries the filter selects in all.
int64_t history(Store& store, const HistoryFilter& filter, std::optional<int64_t> limit,
                const std::function<void(const Json&)>& f);
Json history_entry(const HistoryEntry& e);

} // namespace chatctl::queries
