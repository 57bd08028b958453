// A user's changes, which come by the million: creations, deletions and updates queued
// and written a batch at a time (kQueue), found together and recorded in the order they
// came; a rename (a new login, ignoring case) checked and written alone.
#include "core/engine/applier.hpp"
#include "core/error.hpp"
#include "core/lookup.hpp"
#include "core/validate.hpp"

#include <exception>
#include <unordered_map>
#include <utility>

namespace chatctl {

void Applier::user(const Change& c, ChangeSet& applied) {
    const TenantRow& t = cached_tenant(c.tenant());
    if (c.action == Action::create) {
        const auto& u = std::get<User>(*c.after);
        const ProfileRow& p = cached_profile(t, u.profile);
        User stored = u;
        stored.profile = p.profile.name;
        queued_.push_back(Store::NewUser{t.id, p.id, stored});
        queued_tenants_.emplace(t.id, t);
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
            fail(ErrorKind::conflict, "user " + validate::quote(other->user.login) +
                                          " already exists" + in_tenant(t.tenant.key));
    const ProfileRow& p = cached_profile(t, u.profile);
    u.profile = p.profile.name;
    store_.update_user(row.id, p.id, u);
    applied.push_back(Change{Action::update, row.user, u});
}

bool Applier::renames(const Change& c) {
    return fold(std::get<User>(*c.after).login) != fold(c.key());
}

void Applier::flush_users() {
    if (queued_.empty()) return;
    store_.insert_users(std::move(queued_));
    queued_.clear();
}

// The store's guards find a login in use; only then is it looked up, to say so.
void Applier::refused(const Store::UserRefused& refused) {
    auto t = queued_tenants_.find(refused.tenant_id);
    if (t == queued_tenants_.end()) std::rethrow_exception(refused.error);
    auto existing = store_.find_user(t->second, refused.login);
    if (!existing) std::rethrow_exception(refused.error);
    fail(ErrorKind::conflict, "user " + validate::quote(existing->user.login) + " already exists" +
                                  in_tenant(t->second.tenant.key));
}

// A batch per tenant: found and deleted together (one statement, the rows read once), and
// recorded in the order they came.
void Applier::flush_deletes(ChangeSet& applied) {
    if (deleting_.empty()) return;
    ChangeSet removed;
    for (size_t i = 0, j = 0; i < deleting_.size(); i = j) {
        const TenantRow& t = deleting_[i].first;
        std::vector<std::string> logins;
        for (j = i; j < deleting_.size() && deleting_[j].first.id == t.id; ++j)
            logins.push_back(deleting_[j].second);
        std::vector<UserRow> rows = store_.delete_users_named(t, logins);
        if (rows.size() < logins.size()) { // nothing deleted: the missing are named
            require_users(store_, t, logins);
            fail(ErrorKind::internal, "a batch of users to delete names one twice");
        }
        std::unordered_map<std::string, User> found; // by folded login
        for (auto& row : rows)
            found.emplace(fold(row.user.login), std::move(row.user));
        for (const auto& login : logins)
            removed.push_back(
                Change{Action::remove, std::move(found.at(fold(login))), std::nullopt});
    }
    applied.insert(applied.end(), removed.begin(), removed.end());
    deleting_.clear();
    deleting_keys_.clear();
}

// A batch per tenant as deletes are; their profiles are found after them, as one update
// at a time would.
void Applier::flush_updates(ChangeSet& applied) {
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

} // namespace chatctl
