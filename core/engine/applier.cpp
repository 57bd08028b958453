// What the parts of the Applier share: the order in which queued user changes are
// written before the next change, the fields' checks, and the rows changes name.
#include "core/engine/applier.hpp"

#include "core/lookup.hpp"
#include "core/validate.hpp"

namespace chatctl {

void Applier::apply(const Change& change, ChangeSet& applied) {
    validate_after(change);
    if (held_default_) {
        // A default profile's removal is held for its tenant's, which must come next.
        const bool tenant_goes = change.kind() == Kind::tenant && change.action == Action::remove &&
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

// An update checks only the fields it changes: a value an older or damaged store holds,
// which a newer rule refuses, does not stop an edit of another field.
void Applier::validate_after(const Change& change) {
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
            was, *t, [](const Tenant& o) { return o.owner; }, optional(validate::owner, "owner"));
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
            was, u, [](const User& o) { return o.name; }, optional(validate::user_name, "name"));
        check(
            was, u, [](const User& o) { return o.email; }, optional(validate::email, "email"));
    }
}

// A tenant's default is checked once per set (a tenant created in this set gets its
// default later in the set).
TenantRow Applier::tenant_row(const std::string& key) {
    bool check = !created_.count(key) && checked_.insert(key).second;
    return require_tenant(store_, key, check);
}

ProfileRow Applier::profile_row(const TenantRow& t, const std::string& name) {
    return require_profile(store_, t, name);
}

// User changes come by the million and change no tenant or profile: the rows they need
// are looked up once, until a tenant or profile change forgets them.
const TenantRow& Applier::cached_tenant(const std::string& key) {
    auto it = tenants_.find(key);
    if (it == tenants_.end()) it = tenants_.emplace(key, tenant_row(key)).first;
    return it->second;
}

const ProfileRow& Applier::cached_profile(const TenantRow& t, const std::string& name) {
    auto key = std::make_pair(t.id, name);
    auto it = profiles_.find(key);
    if (it == profiles_.end()) it = profiles_.emplace(key, profile_row(t, name)).first;
    return it->second;
}

void Applier::forget_rows() {
    tenants_.clear();
    profiles_.clear();
}

UserRow Applier::user_row(const TenantRow& t, const std::string& login) {
    return require_user(store_, t, login);
}

} // namespace chatctl
