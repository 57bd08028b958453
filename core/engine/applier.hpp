// The engine's inside: the changes of a set applied one by one in its open transaction,
// each checked against the rules and the store, with what the end state must satisfy
// remembered. One file per object kind (tenants.cpp, profiles.cpp, users.cpp); this
// header and applier.cpp hold what they share: the order of the queues, the fields'
// checks and the rows looked up once. Only core/engine.cpp uses it.
#pragma once

#include "core/engine.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace chatctl {

class Applier {
  public:
    // hand_on records the changes handed to `applied` so far and empties it: called between
    // the batches of users a tenant's deletion removes, so that they are never held whole.
    Applier(Store& store, std::function<void()> hand_on)
        : store_(store), hand_on_(std::move(hand_on)) {}

    // Checks and writes one change (or queues it, for users), handing on what it became.
    void apply(const Change& change, ChangeSet& applied);

    // Writes the users queued for insertion (the store may answer later: refused()).
    void flush_users();
    // A user the store refused: named as existing, or the store's own error.
    [[noreturn]] void refused(const Store::UserRefused& refused);
    // Deletes and updates the users queued for them, handing on what they became.
    void flush_deletes(ChangeSet& applied);
    void flush_updates(ChangeSet& applied);

    // A default profile's removal that no removal of its tenant followed (R3).
    void check_held();
    // R2 at the end of the set: every touched tenant has exactly one default, the one
    // the changes said.
    void check_defaults();
    // A default moved by the set from a profile that no change of it names.
    void record_lost_defaults(ChangeSet& applied);

  private:
    // applier.cpp: the fields an update changes checked; the rows changes name.
    static void validate_after(const Change& change);
    TenantRow tenant_row(const std::string& key);
    ProfileRow profile_row(const TenantRow& t, const std::string& name);
    const TenantRow& cached_tenant(const std::string& key);
    const ProfileRow& cached_profile(const TenantRow& t, const std::string& name);
    void forget_rows();
    UserRow user_row(const TenantRow& t, const std::string& login);
    static std::string in_tenant(const std::string& tenant) { return " in tenant " + tenant; }

    // tenants.cpp
    void tenant(const Change& c, ChangeSet& applied);

    // profiles.cpp
    void profile(const Change& c, ChangeSet& applied);
    void claim_default(const TenantRow& t, int64_t profile_id, bool is_default);
    [[noreturn]] static void refuse_default_delete(const TenantRow& t, const ProfileRow& row);

    // users.cpp
    void user(const Change& c, ChangeSet& applied);
    // A user's update that changes its login (ignoring case), checked and written alone.
    static bool renames(const Change& c);

    Store& store_;
    std::function<void()> hand_on_;
    // tenant key -> profile id -> whether the change set says it is the default.
    std::map<std::string, std::map<int64_t, bool>> default_claims_;
    std::set<std::string> created_; // tenants this set creates
    // tenant key -> the profile that was its default before the set's first claim.
    std::map<std::string, int64_t> first_defaults_;
    std::set<std::string> checked_; // tenants whose default was found in place
    std::optional<std::pair<TenantRow, ProfileRow>> held_default_; // removal, until the next
    static constexpr size_t kQueue = 1024;
    std::vector<Store::NewUser> queued_;          // users created, not inserted yet
    std::map<int64_t, TenantRow> queued_tenants_; // by id: tenants of users queued or sent
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

} // namespace chatctl
