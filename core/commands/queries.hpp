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
inline const std::vector<std::string> kHistoryFields = {"id",      "change", "at",    "actor",
                                                        "command", "tenant", "kind",  "key",
                                                        "action",  "before", "after", "reason"};

Json tenant_list(Store& store);
Json tenant_show(Store& store, const std::string& key);
Json profile_list(Store& store, const std::string& tenant);
Json profile_show(Store& store, const std::string& tenant, const std::string& name);
// Each user of the tenant (of one profile when named), in login order, one at a time;
// the tenant and profile are looked up first.
void user_list(Store& store, const std::string& tenant, const std::optional<std::string>& profile,
               const std::function<void(const Json&)>& f);
Json user_show(Store& store, const std::string& tenant, const std::string& login);
// Every tenant's users, tenant by tenant in key order, each tenant's in login order.
void all_users(Store& store, const std::function<void(const Json&)>& f);
// The user of that login (ignoring case) in each tenant that has one, in tenant order;
// not found when none has.
Json user_find(Store& store, const std::string& login);
// The entries the filter selects, newest first, the `limit` first of them (every one
// without), each handed to f as it is read, a page at a time; a tenant neither in the
// store nor in history is not found. Returns how many entries the filter selects in all.
int64_t history(Store& store, const HistoryFilter& filter, std::optional<int64_t> limit,
                const std::function<void(const Json&)>& f);
Json history_entry(const HistoryEntry& e);

// The fields of a change as `history --changes` shows it: its number, when, who, which
// command, why (its reason, or null), then how many objects of each kind it created, updated and
// deleted
// (`user_delete`), among the entries the filter selects.
inline const std::vector<std::string> kChangeFields = {"change",         "at",
                                                       "actor",          "command",
                                                       "reason",         "tenant_create",
                                                       "tenant_update",  "tenant_delete",
                                                       "profile_create", "profile_update",
                                                       "profile_delete", "user_create",
                                                       "user_update",    "user_delete"};
// The changes of the entries the filter selects, newest first (oldest first with
// oldest_first), the `limit` first of them (every one without), each handed to f once
// its entries are read. Returns whether more changes are selected than were handed over.
bool history_changes(Store& store, const HistoryFilter& filter, std::optional<int64_t> limit,
                     const std::function<void(const Json&)>& f);

} // namespace chatctl::queries
