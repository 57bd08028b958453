#include "core/lookup.hpp"

#include "core/error.hpp"
#include "core/shell.hpp"
#include "core/validate.hpp"

#include <climits>
#include <unordered_map>

namespace chatctl {

using validate::quote;

namespace {

// "did you mean NAME?" when a name is near the one typed, then how to list them all.
std::vector<std::string> hints(const std::string& word, const std::vector<std::string>& names,
                               const std::vector<std::string>& list_command) {
    std::vector<std::string> out;
    if (std::string near = validate::closest(word, names); !near.empty())
        out.push_back("did you mean " + shell_quote(near) + "?");
    out.push_back("list them with `" + shell_command(list_command) + "`");
    return out;
}

std::vector<std::string> profile_names(Store& store, const TenantRow& tenant) {
    std::vector<std::string> out;
    for (const auto& p : store.list_profiles(tenant))
        out.push_back(p.profile.name);
    return out;
}

} // namespace

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
             hints(key, store.tenant_keys(), {"tenant", "list"}));
    if (check_default) require_default(store, *row);
    return *row;
}

ProfileRow require_profile(Store& store, const TenantRow& tenant, const std::string& name) {
    auto row = store.find_profile(tenant, name);
    if (!row)
        fail(ErrorKind::not_found,
             "profile " + quote(name) + " not found in tenant " + tenant.tenant.key,
             hints(name, profile_names(store, tenant),
                   {"profile", "list", "-t", tenant.tenant.key}));
    return *row;
}

UserRow require_user(Store& store, const TenantRow& tenant, const std::string& login) {
    return require_users(store, tenant, {login}).front();
}

std::vector<UserRow> require_users(Store& store, const TenantRow& tenant,
                                   const std::vector<std::string>& logins) {
    std::unordered_map<std::string, UserRow> found; // by folded login
    for (auto& row : store.find_users(tenant, logins))
        found.emplace(fold(row.user.login), std::move(row));
    std::vector<UserRow> rows;
    std::vector<std::string> unknown;
    for (const auto& login : logins) {
        if (auto it = found.find(fold(login)); it != found.end())
            rows.push_back(it->second);
        else
            unknown.push_back(login);
    }
    if (unknown.empty()) return rows;
    // Only on failure: every login of the tenant, to find the nearest to each unknown one.
    const std::vector<std::string> all = store.logins_starting(tenant, "", INT_MAX);
    std::vector<std::string> out, quoted;
    for (const auto& login : unknown) {
        quoted.push_back(quote(login));
        if (std::string near = validate::closest(login, all); !near.empty())
            out.push_back(quote(login) + ": did you mean " + shell_quote(near) + "?");
    }
    out.push_back("list them with `" + shell_command({"user", "list", "-t", tenant.tenant.key}) +
                  "`");
    std::string names;
    for (const auto& q : quoted)
        names += (names.empty() ? "" : ", ") + q;
    fail(ErrorKind::not_found,
         (unknown.size() == 1 ? "user " : "users ") + names + " not found in tenant " +
             tenant.tenant.key,
         out);
}

} // namespace chatctl
