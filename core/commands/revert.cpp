#include "core/commands/revert.hpp"

#include "core/error.hpp"
#include "core/lookup.hpp"
#include "core/plan.hpp"
#include "core/shell.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_set>

namespace chatctl::ops {

namespace {

using validate::quote;

constexpr int kPage = 1000;

// An entry as revert reads it.
struct Entry {
    int64_t id = 0;
    Kind kind = Kind::user;
    Action action = Action::create;
    std::string tenant;
    std::optional<Object> before, after;

    // The object's key once the change was made (its new name after a rename).
    const std::string& key() const { return key_of(after ? *after : *before); }
};

// An entry's object, from its text when the store left it unparsed (a user's read without
// a JSON value when it is in the form chatctl writes); `none` when it holds none.
std::optional<Object> object_of(Kind kind, const Json& json, const std::optional<std::string>& text,
                                bool& none) {
    none = false;
    if (text && kind == Kind::user)
        if (auto user = user_from_json_text(*text)) return Object(std::move(*user));
    Json parsed;
    if (text) parsed = Json::parse(*text, nullptr, false);
    const Json& value = text ? parsed : json;
    none = value.is_null();
    return object_from_json(kind, value);
}

Entry read_entry(const HistoryEntry& e) {
    auto kind = kind_named(e.kind);
    auto action = action_named(e.action);
    Entry out;
    bool ok = kind && action && e.tenant;
    if (ok) {
        bool no_before = false, no_after = false;
        out = Entry{e.id,
                    *kind,
                    *action,
                    *e.tenant,
                    object_of(*kind, e.before, e.before_text, no_before),
                    object_of(*kind, e.after, e.after_text, no_after)};
        ok = (out.before || no_before) && (out.after || no_after) && (out.before || out.after);
    }
    if (!ok)
        fail(ErrorKind::store,
             "history entry " + std::to_string(e.id) + " does not hold what chatctl writes",
             {"the store was changed outside chatctl; restore a backup"});
    return out;
}

std::string describe(Kind kind, const std::string& tenant, const std::string& key) {
    return kind == Kind::tenant
               ? "tenant " + tenant
               : std::string(kind_name(kind)) + " " + quote(key) + " of tenant " + tenant;
}

// "kind tenant key", folded as names compare (R9).
std::string identity(Kind kind, const std::string& tenant, const std::string& key) {
    return std::string(kind_name(kind)) + '\n' + tenant + '\n' + fold(key);
}

class Reverter {
  public:
    Reverter(Store& store, int64_t number, bool force)
        : store_(store), number_(number), force_(force) {}

    void run(const ChangeSink& emit) {
        read_change();
        if (!force_) check_later_changes();
        // An order the engine can write: tenants back first, then profiles losing the
        // default, profiles back, users, profiles and tenants the change created.
        std::vector<const Entry*> buckets[6];
        for (const Entry& e : entries_)
            if (e.kind == Kind::tenant || !created_tenants_.count(e.tenant))
                buckets[bucket(e)].push_back(&e);
        // Everything is checked as the store is before the first change is made (a
        // profile renamed back would otherwise make its users look changed).
        for (const Entry& e : entries_)
            if (newest_.count(e.id)) {
                if (!force_) check_unchanged(e, current(e));
                if (e.kind == Kind::profile) defaults_[identity_of(e)] = is_default(current(e));
            }
        // Users are checked in a pass of their own only when tenants or profiles are put
        // back before them (a default demoted comes with a profile of bucket 1 or 2); else
        // each is checked and put back as it is read: one read of its history entry and of
        // the user, where a change of 200,000 users is mostly this pass.
        bool checked_apart =
            !force_ && (!buckets[0].empty() || !buckets[1].empty() || !buckets[2].empty());
        if (checked_apart) each_user([&](const Entry& e) { check_unchanged(e, current(e)); });
        for (const Entry* e : buckets[0])
            undo(*e, current(*e), emit);
        demote_untouched_defaults(emit);
        for (int b : {1, 2})
            for (const Entry* e : buckets[b])
                undo(*e, current(*e), emit);
        each_user([&](const Entry& e) {
            std::optional<Object> now = current(e);
            if (!force_ && !checked_apart) check_unchanged(e, now);
            if (!created_tenants_.count(e.tenant)) undo(e, now, emit); // else gone with its tenant
        });
        for (int b : {4, 5})
            for (const Entry* e : buckets[b])
                undo(*e, current(*e), emit);
    }

  private:
    // The change's tenant and profile entries (few), newest first, and its bounds.
    void read_change() {
        HistoryFilter f;
        f.change = number_;
        auto newest = store_.history(f, 1);
        if (newest.empty())
            fail(ErrorKind::not_found, "change " + std::to_string(number_) + " not found",
                 {"the changes are numbered in `" + shell_command({"history"}) + "`"});
        last_id_ = newest[0].id;
        for (const char* kind : {"tenant", "profile"}) {
            f.kind = kind;
            for (const auto& h : store_.history(f, INT_MAX))
                entries_.push_back(read_entry(h));
        }
        std::sort(entries_.begin(), entries_.end(),
                  [](const Entry& a, const Entry& b) { return a.id > b.id; });
        std::set<std::string> seen;
        for (const Entry& e : entries_) {
            if (e.kind == Kind::tenant && e.action != Action::update)
                (e.action == Action::create ? created_tenants_ : deleted_tenants_).insert(e.tenant);
            if (seen.insert(identity(e.kind, e.tenant, e.key())).second) newest_.insert(e.id);
        }
    }

    // The change's user entries, newest first, a page at a time; with look_up, the users
    // they name as they are now, looked up a page at a time too (current() reads them).
    void each_user_entry(const std::function<void(const Entry&)>& f, bool look_up = false) {
        HistoryFilter filter;
        filter.change = number_;
        filter.kind = "user";
        filter.texts = true; // read here, most without a JSON value
        filter.reasons = false;
        store_.history_pages(filter, kPage, [&](const std::vector<HistoryEntry>& rows) {
            std::vector<Entry> entries;
            entries.reserve(rows.size());
            for (const auto& h : rows)
                entries.push_back(read_entry(h));
            if (look_up) look_up_users(entries);
            for (const Entry& e : entries)
                f(e);
            page_users_.reset();
        });
    }

    void look_up_users(const std::vector<Entry>& entries) {
        std::map<std::string, std::vector<std::string>> logins; // by tenant
        for (const Entry& e : entries)
            logins[e.tenant].push_back(e.key());
        page_users_.emplace();
        for (const auto& [key, of_tenant] : logins)
            if (auto tenant = user_tenant(key))
                for (auto& row : store_.find_users(*tenant, of_tenant))
                    page_users_->emplace(identity(Kind::user, key, row.user.login),
                                         std::move(row.user));
    }

    static int bucket(const Entry& e) {
        if (e.kind == Kind::tenant) return e.action == Action::create ? 5 : 0;
        if (e.kind == Kind::user) return 3;
        if (!e.before) return 4; // a profile the change created: deleted last
        const auto& before = std::get<Profile>(*e.before);
        bool was_made_default =
            e.after && std::get<Profile>(*e.after).is_default && !before.is_default;
        return was_made_default ? 1 : 2;
    }

    // The later changes that still count: a change reverted since (and its revert) left
    // nothing behind, unless that revert was itself reverted (then the change is back).
    std::set<int64_t> cancelled_later() {
        std::map<int64_t, std::string> commands; // change -> command, oldest first
        HistoryFilter later;
        later.after_id = last_id_;
        later.oldest_first = true;
        for (;;) {
            auto rows = store_.history(later, kPage);
            for (const auto& h : rows)
                commands.emplace(h.change, h.command);
            if (rows.size() < static_cast<size_t>(kPage)) break;
            later.after_id = rows.back().id;
        }
        std::set<int64_t> cancelled;
        for (auto it = commands.rbegin(); it != commands.rend(); ++it) {
            const auto& [change, command] = *it;
            if (cancelled.count(change) || command.rfind("revert ", 0) != 0) continue;
            int64_t target = std::strtoll(command.c_str() + 7, nullptr, 10);
            if (commands.count(target)) {
                cancelled.insert(change);
                cancelled.insert(target);
            }
        }
        return cancelled;
    }

    // Later changes touching what this one touched: the first of them is named.
    void check_later_changes() {
        HistoryFilter later;
        later.after_id = last_id_;
        later.oldest_first = true;
        if (store_.history(later, 1).empty()) return; // the newest change: none
        const std::set<int64_t> cancelled = cancelled_later();
        std::unordered_set<std::string> touched;
        auto add = [&](const Entry& e) {
            for (const auto& o : {e.before, e.after})
                if (o) touched.insert(identity(e.kind, e.tenant, key_of(*o)));
        };
        for (const Entry& e : entries_)
            add(e);
        each_user_entry(add);
        for (;;) {
            auto rows = store_.history(later, kPage);
            for (const auto& h : rows) {
                if (cancelled.count(h.change)) continue;
                Entry e = read_entry(h);
                bool hit = created_tenants_.count(e.tenant) || deleted_tenants_.count(e.tenant);
                for (const auto& o : {e.before, e.after})
                    hit = hit || (o && touched.count(identity(e.kind, e.tenant, key_of(*o))));
                if (hit)
                    fail(ErrorKind::conflict,
                         "change " + std::to_string(h.change) + " (" + h.command + " by " +
                             h.actor + " at " + h.at + ") changed " +
                             describe(e.kind, e.tenant, key_of(e.before ? *e.before : *e.after)) +
                             " after change " + std::to_string(number_),
                         {"revert change " + std::to_string(h.change) + " first (`" +
                              shell_command({"revert", std::to_string(h.change)}) + "`)",
                          "or put back the state before change " + std::to_string(number_) +
                              " all the same with `" +
                              shell_command({"revert", std::to_string(number_), "--force"}) + "`"});
            }
            if (rows.size() < static_cast<size_t>(kPage)) return;
            later.after_id = rows.back().id;
        }
    }

    std::optional<Object> current(const Entry& e) {
        auto tenant = e.kind == Kind::user ? user_tenant(e.tenant) : store_.find_tenant(e.tenant);
        if (!tenant) return std::nullopt;
        switch (e.kind) {
        case Kind::tenant:
            return tenant->tenant;
        case Kind::profile:
            if (auto p = store_.find_profile(*tenant, e.key())) return p->profile;
            return std::nullopt;
        case Kind::user:
            if (page_users_) {
                auto it = page_users_->find(identity_of(e));
                if (it == page_users_->end()) return std::nullopt;
                return it->second;
            }
            if (auto u = store_.find_user(*tenant, e.key())) return u->user;
            return std::nullopt;
        }
        return std::nullopt;
    }

    // The tenant of users, looked up once per pass over them (a change of 200,000 users
    // has few tenants; users' passes change no tenant).
    std::optional<TenantRow> user_tenant(const std::string& key) {
        auto it = user_tenants_.find(key);
        if (it == user_tenants_.end())
            it = user_tenants_.emplace(key, store_.find_tenant(key)).first;
        return it->second;
    }
    void each_user(const std::function<void(const Entry&)>& f) {
        user_tenants_.clear(); // the passes before may have put tenants back
        each_user_entry(f, true);
    }

    // The object must be as the change left it (a change outside history, or a rename
    // of the profile a user is on, would be undone blind).
    void check_unchanged(const Entry& e, const std::optional<Object>& now) {
        if (now == e.after) return;
        std::string what = describe(e.kind, e.tenant, e.key());
        std::string how;
        if (now && e.after)
            for (const auto& f : changed_fields(Change{Action::update, e.after, now}))
                how += (how.empty() ? ": " : ", ") + f.field + " " + f.before.dump() + " -> " +
                       f.after.dump();
        fail(ErrorKind::conflict,
             what + " is no longer as change " + std::to_string(number_) + " left it" +
                 (!now       ? ": it is gone"
                  : !e.after ? ": it exists again"
                             : how),
             {"put back its state before change " + std::to_string(number_) +
              " all the same with `" +
              shell_command({"revert", std::to_string(number_), "--force"}) + "`"});
    }

    // A default put back takes the flag from the profile that has it now; when no entry
    // of the change names that profile (a later change made it the default, and --force
    // goes past it), it loses the flag by a change of its own, first, as a declaration
    // demotes.
    void demote_untouched_defaults(const ChangeSink& emit) {
        std::set<std::string> named;
        for (const Entry& e : entries_)
            if (e.kind == Kind::profile)
                for (const auto& o : {e.before, e.after})
                    if (o) named.insert(identity(Kind::profile, e.tenant, key_of(*o)));
        std::set<std::string> done;
        for (const Entry& e : entries_) {
            if (!newest_.count(e.id) || e.kind != Kind::profile || !is_default(e.before) ||
                created_tenants_.count(e.tenant) || !done.insert(e.tenant).second)
                continue;
            auto tenant = store_.find_tenant(e.tenant);
            if (!tenant) continue;
            auto current = store_.profile_by_id(tenant->default_profile_id);
            if (!current || current->profile.tenant != e.tenant ||
                named.count(identity(Kind::profile, e.tenant, current->profile.name)))
                continue;
            Profile after = current->profile;
            after.is_default = false;
            emit(Change{Action::update, current->profile, after});
        }
    }

    static bool is_default(const std::optional<Object>& o) {
        return o && std::get<Profile>(*o).is_default;
    }
    static std::string identity_of(const Entry& e) { return identity(e.kind, e.tenant, e.key()); }

    // From the object as it is now to its state before the change.
    void undo(const Entry& e, const std::optional<Object>& now, const ChangeSink& emit) {
        const std::optional<Object>& then = e.before;
        if (now == then) return;
        if (!then && e.kind == Kind::profile) {
            // A profile deleted is recorded as it was before this command, the default
            // it may have lost earlier in the same command included.
            Profile before = std::get<Profile>(*now);
            if (auto d = defaults_.find(identity_of(e)); d != defaults_.end())
                before.is_default = d->second;
            emit(Change{Action::remove, before, std::nullopt});
        } else if (!then)
            emit(Change{Action::remove, now, std::nullopt});
        else if (!now)
            emit(Change{Action::create, std::nullopt, then});
        else
            emit(Change{Action::update, now, then});
    }

    Store& store_;
    int64_t number_;
    bool force_;
    int64_t last_id_ = 0;
    std::vector<Entry> entries_; // tenants and profiles, newest first
    std::set<std::string> created_tenants_, deleted_tenants_;
    std::set<int64_t> newest_;             // entries that are the newest of their object
    std::map<std::string, bool> defaults_; // whether each profile was the default before
    std::map<std::string, std::optional<TenantRow>> user_tenants_;
    std::optional<std::map<std::string, User>> page_users_; // a page's users, by identity
};

} // namespace

StreamPlanner revert(int64_t number, bool force) {
    return [=](Store& store, const ChangeSink& emit) { Reverter(store, number, force).run(emit); };
}

} // namespace chatctl::ops
