#include "core/decl/converge.hpp"

#include "core/commands/lookup.hpp"
#include "core/validate.hpp"

#include <map>
#include <set>
#include <sqlite3.h>

namespace chatctl {

namespace {

using validate::quote;

struct Problems {
    std::vector<Diagnostic> list;
    bool invalid = false; // any invalid input, rather than only rule conflicts

    void add(const Place& at, const std::string& message, bool is_invalid) {
        list.push_back(Diagnostic{at.file, at.at.line, at.at.column, message});
        invalid = invalid || is_invalid;
    }
};

// The current state of one tenant, keyed as R9 compares.
struct Current {
    std::optional<TenantRow> row;
    std::map<std::string, ProfileInfo> profiles; // by folded name
    std::map<std::string, User> users;           // by folded login; loaded when managed
    std::string default_key;                     // folded name of the default
};

Current load(Store& store, const DeclTenant& t) {
    Current c;
    c.row = store.find_tenant(t.tenant.key);
    if (!c.row) return c;
    require_default(store, *c.row); // refuses a store broken by hand
    for (auto& info : store.list_profiles(*c.row)) {
        if (info.profile.is_default) c.default_key = fold(info.profile.name);
        c.profiles.emplace(fold(info.profile.name), std::move(info));
    }
    if (t.has_users)
        for (auto& row : store.list_users(*c.row))
            c.users.emplace(fold(row.user.login), std::move(row.user));
    return c;
}

class TenantPlan {
  public:
    TenantPlan(const DeclTenant& t, Current current, bool prune, Problems& problems)
        : t_(t), c_(std::move(current)), prune_(prune), problems_(problems) {}

    void plan(ChangeSet& out) {
        tenant();
        profiles();
        users();
        prune_profiles();
        for (auto* part : {&tenant_, &demotions_, &profile_changes_, &user_deletes_, &user_changes_,
                           &profile_deletes_})
            out.insert(out.end(), std::make_move_iterator(part->begin()),
                       std::make_move_iterator(part->end()));
    }

  private:
    void tenant() {
        if (!c_.row)
            tenant_.push_back(Change{Action::create, std::nullopt, t_.tenant});
        else if (!(c_.row->tenant == t_.tenant))
            tenant_.push_back(Change{Action::update, c_.row->tenant, t_.tenant});
    }

    // The folded name of the profile that is the default once the plan is written.
    std::string final_default() {
        for (const auto& p : t_.profiles)
            if (p.is_default.value_or(false)) return fold(p.profile.name);
        if (c_.row) {
            for (const auto& p : t_.profiles)
                if (fold(p.profile.name) == c_.default_key && p.is_default == false)
                    problems_.add(p.default_at,
                                  "profile " + quote(p.profile.name) +
                                      " is the default of tenant " + t_.tenant.key +
                                      "; `default: false` needs another profile marked "
                                      "`default: true`",
                                  true);
            return c_.default_key;
        }
        for (const auto& p : t_.profiles)
            if (fold(p.profile.name) == fold(kDefaultProfileName) && p.is_default != false)
                return fold(p.profile.name);
        problems_.add(t_.at,
                      "tenant " + t_.tenant.key +
                          " is new and none of its profiles is the default: mark one "
                          "`default: true` or declare one named Default",
                      true);
        return "";
    }

    void profiles() {
        if (!t_.has_profiles) {
            if (!c_.row)
                profile_changes_.push_back(Change{Action::create, std::nullopt,
                                                  Profile{t_.tenant.key,
                                                          kDefaultProfileName,
                                                          true,
                                                          kDefaultMaxChats,
                                                          kDefaultWrapUp,
                                                          {}}});
            return;
        }
        default_ = final_default();
        for (const auto& p : t_.profiles) {
            Profile after = p.profile;
            after.is_default = fold(after.name) == default_;
            declared_.insert(fold(after.name));
            auto it = c_.profiles.find(fold(after.name));
            if (it == c_.profiles.end()) {
                profile_changes_.push_back(Change{Action::create, std::nullopt, after});
                continue;
            }
            const Profile& before = it->second.profile;
            if (before == after) continue;
            auto& list = before.is_default && !after.is_default ? demotions_ : profile_changes_;
            list.push_back(Change{Action::update, before, after});
        }
        // The old default, not declared and kept, loses its flag to the declared one.
        auto old = c_.profiles.find(c_.default_key);
        if (old != c_.profiles.end() && !declared_.count(c_.default_key) &&
            default_ != c_.default_key && !prune_) {
            Profile after = old->second.profile;
            after.is_default = false;
            demotions_.push_back(Change{Action::update, old->second.profile, after});
        }
    }

    // The profiles that exist once the plan is written, by folded name -> name.
    std::map<std::string, std::string> final_profiles() const {
        std::map<std::string, std::string> out;
        if (!t_.has_profiles && !c_.row) out[fold(kDefaultProfileName)] = kDefaultProfileName;
        for (const auto& [key, info] : c_.profiles)
            if (!(prune_ && t_.has_profiles) || declared_.count(key)) out[key] = info.profile.name;
        for (const auto& p : t_.profiles)
            out[fold(p.profile.name)] = p.profile.name;
        return out;
    }

    void users() {
        if (!t_.has_users) return;
        const auto profiles = final_profiles();
        std::string default_name;
        if (auto it = profiles.find(t_.has_profiles ? default_
                                    : c_.row        ? c_.default_key
                                                    : "default");
            it != profiles.end())
            default_name = it->second;
        std::set<std::string> declared;
        for (const auto& u : t_.users) {
            const std::string key = fold(u.user.login);
            declared.insert(key);
            User after = u.user;
            auto current = c_.users.find(key);
            if (u.has_profile) {
                auto p = profiles.find(fold(u.user.profile));
                if (p == profiles.end()) {
                    std::vector<std::string> names;
                    names.reserve(profiles.size());
                    for (const auto& [folded, name] : profiles)
                        names.push_back(name);
                    std::string near = validate::closest(u.user.profile, names);
                    problems_.add(u.profile_at,
                                  "profile " + quote(u.user.profile) +
                                      " exists nowhere in tenant " + t_.tenant.key +
                                      (near.empty() ? "" : "; did you mean " + quote(near) + "?"),
                                  true);
                    continue;
                }
                after.profile = p->second;
            } else {
                after.profile = current != c_.users.end() ? current->second.profile : default_name;
            }
            placed_[fold(after.profile)]++;
            if (current == c_.users.end())
                user_changes_.push_back(Change{Action::create, std::nullopt, after});
            else if (!(current->second == after))
                user_changes_.push_back(Change{Action::update, current->second, after});
        }
        for (const auto& [key, user] : c_.users) {
            if (declared.count(key)) continue;
            if (prune_)
                user_deletes_.push_back(Change{Action::remove, user, std::nullopt});
            else
                placed_[fold(user.profile)]++;
        }
    }

    void prune_profiles() {
        if (!prune_ || !t_.has_profiles) return;
        for (const auto& [key, info] : c_.profiles) {
            if (declared_.count(key)) continue;
            const std::string& name = info.profile.name;
            if (key == default_)
                problems_.add(t_.at,
                              "--prune would delete " + quote(name) +
                                  ", the default profile of tenant " + t_.tenant.key +
                                  "; mark a declared profile `default: true`",
                              false);
            int64_t left = t_.has_users ? placed_[key] : info.users;
            if (left > 0)
                problems_.add(t_.at,
                              "--prune would delete profile " + quote(name) + " of tenant " +
                                  t_.tenant.key + ", which would still have " +
                                  std::to_string(left) + (left == 1 ? " user" : " users") +
                                  "; assign them to a declared profile",
                              false);
            profile_deletes_.push_back(Change{Action::remove, info.profile, std::nullopt});
        }
    }

    const DeclTenant& t_;
    Current c_;
    bool prune_;
    Problems& problems_;
    std::string default_;                   // folded name of the final default
    std::set<std::string> declared_;        // folded names of declared profiles
    std::map<std::string, int64_t> placed_; // folded profile name -> users left on it
    ChangeSet tenant_, demotions_, profile_changes_, user_deletes_, user_changes_, profile_deletes_;
};

} // namespace

ChangeSet converge(Store& store, const Declaration& declaration, bool prune) {
    ChangeSet changes;
    Problems problems{declaration.problems, !declaration.problems.empty()};
    for (const auto& t : declaration.tenants)
        TenantPlan(t, load(store, t), prune, problems).plan(changes);
    if (!problems.list.empty())
        fail_with(problems.invalid ? ErrorKind::invalid_input : ErrorKind::conflict,
                  std::move(problems.list));
    return changes;
}

ChangeSet plan_declaration(Store& store, const Declaration& declaration, bool prune) {
    // One consistent view of the store: a store opened for reading is in one already.
    if (!sqlite3_get_autocommit(store.db().getHandle())) return converge(store, declaration, prune);
    store.db().exec("BEGIN");
    try {
        ChangeSet changes = converge(store, declaration, prune);
        store.db().exec("COMMIT");
        return changes;
    } catch (...) {
        store.db().exec("ROLLBACK");
        throw;
    }
}

} // namespace chatctl
