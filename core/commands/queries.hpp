// What the read commands ask: each returns objects in the JSON form the contract gives,
// in the stable order (case-insensitively, then by code point).
#pragma once

#include "core/store/store.hpp"

#include <optional>
#include <string>

namespace chatctl::queries {

Json tenant_list(Store& store);
Json tenant_show(Store& store, const std::string& key);
Json profile_list(Store& store, const std::string& tenant);
Json profile_show(Store& store, const std::string& tenant, const std::string& name);
Json user_list(Store& store, const std::string& tenant, const std::optional<std::string>& profile);
Json user_show(Store& store, const std::string& tenant, const std::string& login);
Json history(Store& store, const std::optional<std::string>& tenant, int limit);

} // namespace chatctl::queries
