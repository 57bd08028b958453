// One declared tenant planned against the store: used by converge (which reads the
// declared users back from where they were kept) and by the apply that writes as it reads
// (which takes them one at a time as they are read). Internal to core/decl.
#pragma once

#include "core/decl/converge.hpp"
#include "core/decl/declaration.hpp"
#include "core/engine.hpp"
#include "core/lookup.hpp"
#include "core/shell.hpp"
#include "core/validate.hpp"

#include <functional>
#include <map>
#include <set>

namespace chatctl::detail {

using validate::quote;

// The declared users of a tenant, in login order, one at a time (nullptr past the last).
using NextUser = std::function<const DeclUser*()>;

// Thrown, in a plan of users taken as they are read, by what needs them all first (a
// prune that deletes profiles) or is a problem (a user naming no profile): the
// declaration is then planned the ordinary way.
struct NotStreamable {};

struct Problems {
    std::vector<Diagnostic> list;
    bool invalid = false; // any invalid input, rather than only rule conflicts

    void add(const Place& at, const std::string& message, bool is_invalid) {
        list.push_back(Diagnostic{at.file, at.at.line, at.at.column, message});
        invalid = invalid || is_invalid;
    }
};

// The current state of one tenant, keyed as R9 compares (its users are looked up one by
// one as the declared ones are walked).
struct Current {
    std::optional<TenantRow> row;
    std::map<std::string, ProfileInfo> profiles; // by folded name
    std::string default_key;                     // folded name of the default
};

inline Current load(Store& store, const DeclTenant& t) {
    Current c;
    c.row = store.find_tenant(t.tenant.key);
    if (!c.row) return c;
    require_default(store, *c.row); // refuses a store broken by hand
    for (auto& info : store.list_profiles(*c.row)) {
        if (info.profile.is_default) c.default_key = fold(info.profile.name);
        c.profiles.emplace(fold(info.profile.name), std::move(info));
    }
    return c;
}

// One declared tenant's plan, in two passes: check() finds every problem and plans the
// tenant and its profiles; emit() hands over every change in the order the engine
// writes them, walking the declared users beside the stored ones. Declared users come
// from `users` (kept, walked as often as needed) or, when `stream` is given, from it,
// once (then check() leaves what needs them all to emit(), or to NotStreamable).
class TenantPlan {
  public:
    TenantPlan(Store& store, const DeclTenant& t, const ApplyOptions& options, Problems& problems,
               DeclUsers* users, NextUser stream)
        : store_(store), users_(users), stream_(std::move(stream)), t_(t), c_(load(store, t)),
          prune_(options.prune), owner_(options.owner), problems_(problems) {}

    void check() {
        tenant();
        profiles();
        if (t_.has_users) {
            profiles_ = final_profiles();
            if (auto it = profiles_.find(t_.has_profiles ? default_
                                         : c_.row        ? c_.default_key
                                                         : "default");
                it != profiles_.end())
                default_name_ = it->second;
            if (!stream_) check_user_profiles(); // else each as it comes
        }
        prune_profiles();
    }

    void emit(const ChangeSink& emit) {
        for (auto* part : {&tenant_, &demotions_, &profile_changes_})
            for (const auto& change : *part)
                emit(change);
        if (t_.has_users)
            walk_users([&](const DeclUser* declared, const UserRow* stored) {
                if (!declared) {
                    if (prune_)
                        emit(Change{Action::remove, as_renamed(stored->user), std::nullopt});
                    return;
                }
                User after = final_state(*declared, stored);
                if (!stored) {
                    emit(Change{Action::create, std::nullopt, std::move(after)});
                    return;
                }
                User before = as_renamed(stored->user);
                if (!(before == after))
                    emit(Change{Action::update, std::move(before), std::move(after)});
            });
        for (const auto& change : profile_deletes_)
            emit(change);
    }

  private:
    // The tenant as declared, managed by --owner when given, else by whom it was.
    void tenant() {
        Tenant wanted = t_.tenant;
        wanted.owner = owner_ ? owner_ : c_.row ? c_.row->tenant.owner : std::nullopt;
        if (!c_.row) {
            tenant_.push_back(Change{Action::create, std::nullopt, wanted});
            return;
        }
        const auto& managed_by = c_.row->tenant.owner;
        if (owner_ && managed_by && *managed_by != *owner_)
            problems_.add(t_.at,
                          "tenant " + t_.tenant.key + " is managed by owner " + *managed_by +
                              ", not " + *owner_ + ": apply it with `--owner " + *managed_by +
                              "`, or hand it over first with `" +
                              shell_command({"tenant", "edit", t_.tenant.key, "--owner", *owner_}) +
                              "`",
                          false);
        else if (!(c_.row->tenant == wanted))
            tenant_.push_back(Change{Action::update, c_.row->tenant, wanted});
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

    // Every user naming a profile that will not exist, at its place.
    void check_user_profiles() {
        // Most often every name the users give is known: no need to read them again.
        if (const auto* given = users_->profile_names(t_.number))
            if (std::all_of(given->begin(), given->end(),
                            [&](const std::string& n) { return profiles_.count(fold(n)) > 0; }))
                return;
        std::vector<std::string> names; // those declared and those in the store
        names.reserve(profiles_.size());
        for (const auto& [folded, name] : profiles_)
            names.push_back(name);
        users_->each(t_.number, [&](const DeclUser& u) {
            if (!u.has_profile || profiles_.count(fold(u.user.profile))) return;
            std::string near = validate::closest(u.user.profile, names);
            problems_.add(u.profile_at,
                          "profile " + quote(u.user.profile) + " exists nowhere in tenant " +
                              t_.tenant.key +
                              (near.empty() ? " (its profiles: " + validate::listed(names) + ")"
                                            : "; did you mean " + quote(near) + "?"),
                          true);
        });
    }

    // Walks the declared users and the stored ones side by side, in login order (ignoring
    // case, as both indexes order them), with each pair that shares a login: one scan of
    // each, whatever their size.
    void walk_users(const std::function<void(const DeclUser*, const UserRow*)>& f) {
        std::optional<DeclUsers::Scan> scan;
        if (!stream_) scan.emplace(*users_, t_.number);
        auto next = [&]() -> const DeclUser* {
            if (scan) return scan->next();
            const DeclUser* u = stream_();
            if (u && u->has_profile && !profiles_.count(fold(u->user.profile)))
                throw NotStreamable{}; // a problem, reported by the ordinary path
            return u;
        };
        std::optional<Store::UserScan> stored;
        if (c_.row) stored.emplace(store_, *c_.row);
        const DeclUser* d = next();
        const UserRow* s = stored ? stored->next() : nullptr;
        while (d || s) {
            int order = !d ? 1 : !s ? -1 : fold(d->user.login).compare(fold(s->user.login));
            f(order <= 0 ? d : nullptr, order >= 0 ? s : nullptr);
            if (order <= 0) d = next();
            if (order >= 0) s = stored->next();
        }
    }

    // A stored user as the engine finds it once the tenant's profiles are written: its
    // profile under the name this plan gives it (a rename, even of case alone, is the
    // profile's change, not the user's).
    User as_renamed(const User& stored) const {
        User out = stored;
        if (auto p = profiles_.find(fold(stored.profile)); p != profiles_.end())
            out.profile = p->second;
        return out;
    }

    // The state a declared user is to have, given its stored one (none when new).
    User final_state(const DeclUser& u, const UserRow* stored) const {
        User after = u.user;
        after.tenant = t_.tenant.key;
        if (stored && t_.keeps_names) after.name = stored->user.name;
        if (stored && t_.keeps_emails) after.email = stored->user.email;
        if (u.has_profile) {
            auto p = profiles_.find(fold(u.user.profile));
            if (p != profiles_.end()) after.profile = p->second; // else a problem, reported
        } else {
            after.profile = stored ? as_renamed(stored->user).profile : default_name_;
        }
        return after;
    }

    // The number of declared users each profile (folded name) has once the plan is
    // written: what --prune must not leave on a profile it deletes.
    std::map<std::string, int64_t> placed() {
        std::map<std::string, int64_t> out;
        walk_users([&](const DeclUser* u, const UserRow* stored) {
            if (u && (!u->has_profile || profiles_.count(fold(u->user.profile))))
                out[fold(final_state(*u, stored).profile)]++;
        });
        return out;
    }

    void prune_profiles() {
        if (!prune_ || !t_.has_profiles) return;
        std::optional<std::map<std::string, int64_t>> counts;
        for (const auto& [key, info] : c_.profiles) {
            if (declared_.count(key)) continue;
            const std::string& name = info.profile.name;
            if (key == default_)
                problems_.add(t_.at,
                              "--prune would delete " + quote(name) +
                                  ", the default profile of tenant " + t_.tenant.key +
                                  "; mark a declared profile `default: true`",
                              false);
            int64_t left = info.users;
            if (t_.has_users) {
                if (stream_) throw NotStreamable{}; // counting needs every user first
                if (!counts) counts = placed();
                left = (*counts)[key];
            }
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

    Store& store_;
    DeclUsers* users_;
    NextUser stream_;
    const DeclTenant& t_;
    Current c_;
    bool prune_;
    std::optional<std::string> owner_;
    Problems& problems_;
    std::string default_;                         // folded name of the final default
    std::set<std::string> declared_;              // folded names of declared profiles
    std::map<std::string, std::string> profiles_; // the final profiles (with users)
    std::string default_name_;                    // what a new user without profile gets
    ChangeSet tenant_, demotions_, profile_changes_, profile_deletes_;
};

} // namespace chatctl::detail
