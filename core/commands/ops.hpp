// The imperative commands, each as a planner: what it reads from the store under the
// write lock and the change set it asks the engine to write. Arguments arrive validated
// by the front end; the engine validates every object again before writing it.
#pragma once

#include "core/engine.hpp"

#include <optional>
#include <string>
#include <vector>

namespace chatctl::ops {

// An optional text field to change: nullopt leaves it, "" clears it.
using TextEdit = std::optional<std::string>;

struct ProfileEdit {
    std::optional<std::string> rename;
    std::optional<int> max_concurrent_chats;
    std::optional<int> wrap_up_seconds;
    TextEdit description;
    bool make_default = false;
};

Planner tenant_create(const std::string& key, const TextEdit& display_name);
// owner hands the tenant over to another owner ("" releases it).
Planner tenant_edit(const std::string& key, const TextEdit& display_name,
                    const TextEdit& owner = std::nullopt);
Planner tenant_delete(const std::string& key, bool force);

Planner profile_add(const std::string& tenant, const std::string& name, const ProfileEdit& fields);
Planner profile_edit(const std::string& tenant, const std::string& name, const ProfileEdit& edit);
Planner profile_set_default(const std::string& tenant, const std::string& name);
Planner profile_delete(const std::string& tenant, const std::string& name,
                       const std::optional<std::string>& reassign_to);

struct UserFields {
    TextEdit name;
    TextEdit email;
};

Planner user_add(const std::string& tenant, const std::string& login, const UserFields& fields,
                 const std::optional<std::string>& profile);
Planner user_edit(const std::string& tenant, const std::string& login, const UserFields& edit);
Planner user_assign(const std::string& tenant, const std::vector<std::string>& logins,
                    const std::string& profile);
Planner user_assign_from(const std::string& tenant, const std::string& from_profile,
                         const std::string& profile);
// Every login must be a user of the tenant, unless ignore_not_found skips those that are not.
Planner user_delete(const std::string& tenant, const std::vector<std::string>& logins,
                    bool ignore_not_found = false);
// Every user of the tenant, or of one of its profiles.
StreamPlanner user_delete_all(const std::string& tenant, const std::optional<std::string>& profile);

} // namespace chatctl::ops
