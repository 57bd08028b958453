// The one way chatctl writes. Every command, imperative or declarative, becomes a change
// set; the engine checks each change against the rules and the store, writes them all
// in one transaction, records each in history, and commits, or writes nothing at all.
#pragma once

#include "core/model.hpp"
#include "core/store/store.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chatctl {

struct Change {
    Action action = Action::create;
    std::optional<Object> before; // empty for a create
    std::optional<Object> after;  // empty for a delete

    const Object& object() const { return after ? *after : *before; }
    Kind kind() const { return kind_of(object()); }
    const std::string& tenant() const { return tenant_of(object()); }
    // The key the object had before the change (a rename's old name).
    const std::string& key() const { return key_of(before ? *before : *after); }
    Json to_json() const;
};

using ChangeSet = std::vector<Change>;

struct WriteContext {
    std::string actor;
    std::string command; // as history records it: "profile add", "apply"
    bool dry_run = false;
    // Called with the change number once everything is written, before the commit: what
    // must hold for the command to report its change truthfully (the lines it will print,
    // secured) is checked here, and a failure still writes nothing.
    std::function<void(int64_t change)> before_commit = nullptr;
    // Why (--reason): recorded with the change, shown by history.
    std::optional<std::string> reason = std::nullopt;
};

// Builds the change set from the store as it is once the write lock is held, so that
// what it read cannot change before it is written.
using Planner = std::function<ChangeSet(Store&)>;

// The same for change sets too large to hold: each change is handed to emit, in the
// order it is to be written, as it is planned.
using ChangeSink = std::function<void(const Change&)>;
using StreamPlanner = std::function<void(Store&, const ChangeSink& emit)>;

// Runs planner under the write lock, applies each change as it comes with its history,
// and commits them all (or, with dry_run, checks everything and rolls back); any failure
// writes nothing. Each change is handed to applied as applied: a tenant delete lists
// everything it removed. A planner may also write that removal out in full, as a plan
// shows it (its users, its other profiles, its default profile, then the tenant): the
// default's removal is taken only right before its tenant's. A plan with no change
// writes nothing, not even history.
void write(Store& store, const WriteContext& context, const StreamPlanner& planner,
           const ChangeSink& applied);
// The same for a change set held whole; returns the changes as applied.
ChangeSet write(Store& store, const WriteContext& context, const Planner& planner);

} // namespace chatctl
