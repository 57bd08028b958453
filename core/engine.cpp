#include "core/engine.hpp"

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/lookup.hpp"
#include "core/shell.hpp"
#include "core/validate.hpp"

#include <map>
#include <set>

namespace chatctl {

namespace {

using validate::quote;

std::string in_tenant(const std::string& tenant) {
    return " in tenant " + tenant;
}

// Applies changes one by one inside the open transaction, remembering what the end
// state must satisfy.
class Applier {
  public:
    explicit Applier(Store& store) : store_(store) {}

    void apply(const Change& change, ChangeSet& applied) {
        validate_after(change);
        if (held_default_) {
            // A default profile's removal is held for its tenant's, which must come next.
            const bool tenant_goes = change.kind() == Kind::tenant &&
                                     change.action == Action::remove &&
                                     change.tenant() == held_default_->first.tenant.key;
            if (!tenant_goes) refuse_default_delete(held_default_->first, held_default_->second);
            held_default_.reset();
        }
        // Every other change may read what the queued users change.
        const bool of_user = change.kind() == Kind::user;
        if (!of_user || change.action != Action::create) flush_users();
        if (!of_user || change.action != Action::remove) flush_deletes(applied);
        if (!of_user || change.action != Action::update || renames(change)) flush_updates(applied);
        switch (change.kind()) {
        case Kind::tenant:
            tenant(change, applied);
            break;
        case Kind::profile:
            profile(change, applied);
            break;
        case Kind::user:
            user(change, applied);
            break;
        }
    }

    // Writes the users queued for insertion. The store's guards find a login in use;
    // only then is it looked up, to say so.
    void flush_users() {
        if (queued_.empty()) return;
        try {
            store_.insert_users(queued_);
        } catch (const Store::UserRefused& refused) {
            const TenantRow& t = queued_tenants_[refused.index];
            auto existing = store_.find_user(t, queued_[refused.index].user.login);
            if (!existing) std::rethrow_exception(refused.error);
            fail(ErrorKind::conflict, "user " + quote(existing->user.login) + " already exists" +
                                          in_tenant(t.tenant.key));
        }
        queued_.clear();
        queued_tenants_.clear();
    }

    // Deletes the users queued for deletion, a batch per tenant: found together, deleted
    // together, and recorded in the order they came.
    void flush_deletes(ChangeSet& applied) {
        if (deleting_.empty()) return;
        std::vector<int64_t> ids;
        ChangeSet removed;
        for (size_t i = 0, j = 0; i < deleting_.size(); i = j) {
            std::vector<std::string> logins;
            for (j = i; j < deleting_.size() && deleting_[j].first.id == deleting_[i].first.id; ++j)
                logins.push_back(deleting_[j].second);
            for (auto& row : require_users(store_, deleting_[i].first, logins)) {
                ids.push_back(row.id);
                removed.push_back(Change{Action::remove, std::move(row.user), std::nullopt});
            }
        }
        store_.delete_users(ids);
        applied.insert(applied.end(), removed.begin(), removed.end());
        deleting_.clear();
        deleting_keys_.clear();
    }

    // Updates the users queued for update, a batch per tenant as deletes are; their
    // profiles are found after them, as one update at a time would.
    void flush_updates(ChangeSet& applied) {
        if (updating_.empty()) return;
        std::vector<Store::UserUpdate> rows;
        ChangeSet updated;
        for (size_t i = 0, j = 0; i < updating_.size(); i = j) {
            const TenantRow t = updating_[i].tenant;
            std::vector<std::string> logins;
            for (j = i; j < updating_.size() && updating_[j].tenant.id == t.id; ++j)
                logins.push_back(updating_[j].login);
            auto found = require_users(store_, t, logins);
            for (size_t k = 0; k < found.size(); ++k) {
                User u = std::move(updating_[i + k].after);
                const ProfileRow& p = cached_profile(t, u.profile);
                u.profile = p.profile.name;
                rows.push_back(Store::UserUpdate{found[k].id, p.id, u});
                updated.push_back(Change{Action::update, std::move(found[k].user), std::move(u)});
            }
        }
        store_.update_users(rows);
        applied.insert(applied.end(), updated.begin(), updated.end());
        updating_.clear();
        updating_keys_.clear();
    }

    // A default profile's removal that no removal of its tenant followed (R3).
    void check_held() {
        if (held_default_) refuse_default_delete(held_default_->first, held_default_->second);
    }

    // R2 at the end of the set: every touched tenant has exactly one default, the one
    // the changes said.
    void check_defaults() {
        for (const auto& [key, profile_ids] : default_claims_) {
            auto tenant = store_.find_tenant(key);
            if (!tenant) continue; // deleted in the same set
            auto current = store_.profile_by_id(tenant->default_profile_id);
            if (!current || current->profile.tenant != key)
                fail(ErrorKind::conflict, "tenant " + quote(key) + " would have no default profile",
                     {"mark one profile as the default"});
            for (const auto& [id, claims_default] : profile_ids) {
                if (claims_default != (id == tenant->default_profile_id))
                    fail(ErrorKind::conflict,
                         "tenant " + quote(key) + " would have no default profile" +
                             (claims_default ? ""
                                             : ": " + quote(current->profile.name) +
                                                   " is the default and no other is marked"),
                         {"make another profile the default with `" +
                          shell_command({"profile", "set-default", "NAME", "-t", key}) + "`"});
            }
        }
    }

  private:
    // An update checks only the fields it changes: a value an older or damaged store
    // holds, which a newer rule refuses, does not stop an edit of another field.
    static void validate_after(const Change& change) {
        if (!change.after) return;
        if (!change.before || change.before->index() != change.after->index()) {
            validate::object(*change.after);
            return;
        }
        auto check = [](const auto& was, const auto& now, auto value, auto test) {
            if (value(was) != value(now)) test(value(now));
        };
        auto optional = [](void (*test)(std::string_view, std::string_view), const char* field) {
            return [test, field](const std::optional<std::string>& v) {
                if (v) test(*v, field);
            };
        };
        if (const auto* t = std::get_if<Tenant>(&*change.after)) {
            const auto& was = std::get<Tenant>(*change.before);
            check(
                was, *t, [](const Tenant& o) { return o.key; },
                [](const std::string& v) { validate::tenant_key(v, "tenant"); });
            check(
                was, *t, [](const Tenant& o) { return o.display_name; },
                optional(validate::display_name, "display_name"));
            check(
                was, *t, [](const Tenant& o) { return o.owner; },
                optional(validate::owner, "owner"));
        } else if (const auto* p = std::get_if<Profile>(&*change.after)) {
            const auto& was = std::get<Profile>(*change.before);
            check(
                was, *p, [](const Profile& o) { return o.name; },
                [](const std::string& v) { validate::profile_name(v, "name"); });
            validate::max_chats(p->max_concurrent_chats, "max_concurrent_chats");
            validate::wrap_up(p->wrap_up_seconds, "wrap_up_seconds");
            check(
                was, *p, [](const Profile& o) { return o.description; },
                optional(validate::description, "description"));
        } else {
            const auto& u = std::get<User>(*change.after);
            const auto& was = std::get<User>(*change.before);
            check(
                was, u, [](const User& o) { return o.login; },
                [](const std::string& v) { validate::login(v, "login"); });
            check(
                was, u, [](const User& o) { return o.name; },
                optional(validate::user_name, "name"));
            check(
                was, u, [](const User& o) { return o.email; }, optional(validate::email, "email"));
        }
    }

    // A tenant's default is checked once per set (a tenant created in this set gets its
    // default later in the set).
    TenantRow tenant_row(const std::string& key) {
        bool check = !created_.count(key) && checked_.insert(key).second;
        return require_tenant(store_, key, check);
    }
    ProfileRow profile_row(const TenantRow& t, const std::string& name) {
        return require_profile(store_, t, name);
    }

    // User changes come by the million and change no tenant or profile: the rows they
    // need are looked up once, until a tenant or profile change forgets them.
    const TenantRow& cached_tenant(const std::string& key) {
        auto it = tenants_.find(key);
        if (it == tenants_.end()) it = tenants_.emplace(key, tenant_row(key)).first;
        return it->second;
    }
    const ProfileRow& cached_profile(const TenantRow& t, const std::string& name) {
        auto key = std::make_pair(t.id, name);
        auto it = profiles_.find(key);
        if (it == profiles_.end()) it = profiles_.emplace(key, profile_row(t, name)).first;
        return it->second;
    }
    void forget_rows() {
        tenants_.clear();
        profiles_.clear();
    }
    UserRow user_row(const TenantRow& t, const std::string& login) {
        return require_user(store_, t, login);
    }

    void tenant(const Change& c, ChangeSet& applied) {
        forget_rows();
        if (c.action == Action::create) {
            const auto& t = std::get<Tenant>(*c.after);
            if (store_.find_tenant(t.key))
                fail(ErrorKind::conflict, "tenant " + quote(t.key) + " already exists");
            store_.insert_tenant(t);
            created_.insert(t.key);
            default_claims_[t.key]; // a new tenant must end with a default
            applied.push_back(c);
            return;
        }
        TenantRow row = tenant_row(c.tenant());
        if (c.action == Action::update) {
            store_.update_tenant(row.id, std::get<Tenant>(*c.after));
            applied.push_back(Change{Action::update, row.tenant, c.after});
            return;
        }
        // A tenant goes with its users and profiles; history keeps each of them.
        for (const auto& u : store_.list_users(row))
            applied.push_back(Change{Action::remove, u.user, std::nullopt});
        for (const auto& p : store_.list_profiles(row))
            applied.push_back(Change{Action::remove, p.profile, std::nullopt});
        store_.delete_tenant(row.id);
        default_claims_.erase(row.tenant.key);
        applied.push_back(Change{Action::remove, row.tenant, std::nullopt});
    }

    void claim_default(const TenantRow& t, int64_t profile_id, bool is_default) {
        if (!created_.count(t.tenant.key))
            first_defaults_.emplace(t.tenant.key, t.default_profile_id);
        default_claims_[t.tenant.key][profile_id] = is_default;
        if (is_default) store_.set_default_profile(t.id, profile_id);
    }

  public:
    // A default moved by the set from a profile that no change of it names (a revert
    // --force that puts back an older default): that profile lost its flag all the same,
    // and history must say so. Deleted ones say it in their own entry.
    void record_lost_defaults(ChangeSet& applied) {
        for (const auto& [key, first] : first_defaults_) {
            auto tenant = store_.find_tenant(key);
            if (!tenant || tenant->default_profile_id == first || default_claims_[key].count(first))
                continue;
            auto lost = store_.profile_by_id(first);
            if (!lost || lost->profile.tenant != key) continue;
            Profile before = lost->profile;
            before.is_default = true;
            default_claims_[key][first] = false;
            applied.push_back(Change{Action::update, before, lost->profile});
        }
    }

  private:
    void profile(const Change& c, ChangeSet& applied) {
        forget_rows();
        TenantRow t = tenant_row(c.tenant());
        if (c.action == Action::create) {
            const auto& p = std::get<Profile>(*c.after);
            if (auto existing = store_.find_profile(t, p.name))
                fail(ErrorKind::conflict, "profile " + quote(existing->profile.name) +
                                              " already exists" + in_tenant(t.tenant.key) +
                                              (existing->profile.name == p.name
                                                   ? ""
                                                   : " (names are compared ignoring case)"));
            claim_default(t, store_.insert_profile(t.id, p), p.is_default);
            applied.push_back(c);
            return;
        }
        ProfileRow row = profile_row(t, c.key());
        if (c.action == Action::update) {
            const auto& p = std::get<Profile>(*c.after);
            if (auto other = store_.find_profile(t, p.name); other && other->id != row.id)
                fail(ErrorKind::conflict, "profile " + quote(other->profile.name) +
                                              " already exists" + in_tenant(t.tenant.key));
            store_.update_profile(row.id, p);
            claim_default(t, row.id, p.is_default);
            applied.push_back(Change{Action::update, row.profile, c.after});
            return;
        }
        if (row.profile.is_default) {
            // Unless its tenant's removal comes next: a removal written out in full, as a
            // plan shows it (the tenant's own removal then records it).
            held_default_.emplace(t, row);
            return;
        }
        if (int64_t n = store_.count_users(t.id, row.id); n > 0)
            fail(ErrorKind::conflict,
                 "profile " + quote(row.profile.name) + " has " + std::to_string(n) +
                     (n == 1 ? " user" : " users") + in_tenant(t.tenant.key),
                 {"move them and delete it in one step with `" +
                  shell_command({"profile", "delete", row.profile.name, "-t", t.tenant.key,
                                 "--reassign-to", "PROFILE"}) +
                  "`"});
        store_.delete_profile(row.id);
        default_claims_[t.tenant.key].erase(row.id);
        // History keeps the state before the command: a default that an earlier change of
        // this set moved away was still the default then (the plan says so too).
        Profile before = row.profile;
        if (c.before) before.is_default = std::get<Profile>(*c.before).is_default;
        applied.push_back(Change{Action::remove, before, std::nullopt});
    }

    [[noreturn]] static void refuse_default_delete(const TenantRow& t, const ProfileRow& row) {
        fail(ErrorKind::conflict,
             "profile " + quote(row.profile.name) + " is the default of tenant " + t.tenant.key +
                 " and cannot be deleted",
             {"make another profile the default first: `" +
              shell_command({"profile", "set-default", "OTHER", "-t", t.tenant.key}) + "`"});
    }

    void user(const Change& c, ChangeSet& applied) {
        const TenantRow& t = cached_tenant(c.tenant());
        if (c.action == Action::create) {
            const auto& u = std::get<User>(*c.after);
            const ProfileRow& p = cached_profile(t, u.profile);
            User stored = u;
            stored.profile = p.profile.name;
            queued_.push_back(Store::NewUser{t.id, p.id, stored});
            queued_tenants_.push_back(t);
            if (queued_.size() == kQueue) flush_users();
            applied.push_back(Change{Action::create, std::nullopt, std::move(stored)});
            return;
        }
        if (c.action == Action::remove) {
            // The same user twice is looked up after the first is gone (and not found).
            auto key = std::make_pair(t.id, fold(c.key()));
            if (deleting_keys_.count(key)) flush_deletes(applied);
            deleting_keys_.insert(std::move(key));
            deleting_.emplace_back(t, c.key());
            if (deleting_.size() == kQueue) flush_deletes(applied);
            return;
        }
        if (!renames(c)) { // queued, as deletes are; the same user twice flushes first
            auto key = std::make_pair(t.id, fold(c.key()));
            if (updating_keys_.count(key)) flush_updates(applied);
            updating_keys_.insert(std::move(key));
            updating_.push_back(PendingUpdate{t, c.key(), std::get<User>(*c.after)});
            if (updating_.size() == kQueue) flush_updates(applied);
            return;
        }
        UserRow row = user_row(t, c.key());
        User u = std::get<User>(*c.after);
        if (fold(u.login) != fold(row.user.login))
            if (auto other = store_.find_user(t, u.login); other && other->id != row.id)
                fail(ErrorKind::conflict, "user " + quote(other->user.login) + " already exists" +
                                              in_tenant(t.tenant.key));
        const ProfileRow& p = cached_profile(t, u.profile);
        u.profile = p.profile.name;
        store_.update_user(row.id, p.id, u);
        applied.push_back(Change{Action::update, row.user, u});
    }

    // A user's update that changes its login (ignoring case), checked and written alone.
    static bool renames(const Change& c) {
        return fold(std::get<User>(*c.after).login) != fold(c.key());
    }

    Store& store_;
    // tenant key -> profile id -> whether the change set says it is the default.
    std::map<std::string, std::map<int64_t, bool>> default_claims_;
    std::set<std::string> created_; // tenants this set creates
    // tenant key -> the profile that was its default before the set's first claim.
    std::map<std::string, int64_t> first_defaults_;
    std::set<std::string> checked_; // tenants whose default was found in place
    std::optional<std::pair<TenantRow, ProfileRow>> held_default_; // removal, until the next
    static constexpr size_t kQueue = 1024;
    std::vector<Store::NewUser> queued_; // users created, not inserted yet
    std::vector<TenantRow> queued_tenants_;
    std::vector<std::pair<TenantRow, std::string>> deleting_; // users deleted, not yet
    std::set<std::pair<int64_t, std::string>> deleting_keys_; // their tenants, folded logins
    struct PendingUpdate {
        TenantRow tenant;
        std::string login; // as the change names it
        User after;
    };
    std::vector<PendingUpdate> updating_; // users updated, not written yet
    std::set<std::pair<int64_t, std::string>> updating_keys_;
    std::map<std::string, TenantRow> tenants_;
    std::map<std::pair<int64_t, std::string>, ProfileRow> profiles_;
};

} // namespace

Json Change::to_json() const {
    return Json{{"action", action_name(action)},
                {"kind", kind_name(kind())},
                {"tenant", tenant()},
                {"key", key()},
                {"before", before ? chatctl::to_json(*before) : Json(nullptr)},
                {"after", after ? chatctl::to_json(*after) : Json(nullptr)}};
}

void write(Store& store, const WriteContext& context, const StreamPlanner& planner,
           const ChangeSink& applied) {
    WriteTransaction transaction(store, Writer{context.actor, context.command});
    struct Forget { // history rows not written when the set fails
        Store& store;
        ~Forget() { store.discard_history(); }
    } forget{store};
    const std::string at = now_utc_iso8601();
    Applier applier(store);
    ChangeSet done; // what one planned change became (a tenant delete is several)
    size_t count = 0;
    int64_t number = 0; // the change number, once there is a change to record
    // History never holds a raw control, whatever text a caller records as the command.
    const std::string command = validate::escape_controls(context.command);
    auto record = [&] {
        for (const auto& c : done) {
            ++count;
            if (!context.dry_run) {
                auto text = [](const std::optional<Object>& o) {
                    return o ? std::optional(to_json_text(*o)) : std::nullopt;
                };
                if (number == 0) number = store.next_change();
                store.append_history(Store::HistoryRow{
                    number, at, context.actor, command, c.tenant(), c.key(), kind_name(c.kind()),
                    action_name(c.action), text(c.before), text(c.after)});
            }
            applied(c);
        }
        done.clear();
    };
    planner(store, [&](const Change& change) {
        applier.apply(change, done);
        record();
    });
    applier.check_held();
    applier.flush_deletes(done);
    applier.flush_updates(done);
    record();
    if (count == 0) return; // rolled back: the store is not written at all
    applier.flush_users();
    applier.record_lost_defaults(done);
    record();
    applier.check_defaults();
    if (context.dry_run) return;
    store.flush_history();
    if (context.before_commit) context.before_commit(number);
    transaction.commit();
}

ChangeSet write(Store& store, const WriteContext& context, const Planner& planner) {
    ChangeSet applied;
    write(
        store, context,
        [&](Store& s, const ChangeSink& emit) {
            for (const auto& change : planner(s))
                emit(change);
        },
        [&](const Change& c) { applied.push_back(c); });
    return applied;
}

} // namespace chatctl
