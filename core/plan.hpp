// A change set as a plan: the form `plan -o json`, `apply -o json` and every write
// command print, and the counts of its summary.
#pragma once

#include "core/engine.hpp"

namespace chatctl {

struct PlanSummary {
    int create = 0, update = 0, remove = 0;
};

PlanSummary summarize(const ChangeSet& changes);

// {"format_version": "1", "changes": [...], "summary": {...}}
Json plan_to_json(const ChangeSet& changes);

// The fields that differ between before and after, in field order (a create compares
// against the defaults of a new object, so only what was chosen shows).
struct FieldChange {
    std::string field;
    Json before, after;
};
std::vector<FieldChange> changed_fields(const Change& change);
// The same for an object's JSON forms (null before a create, null after a delete).
std::vector<FieldChange> changed_fields(Kind kind, const Json& before, const Json& after);

} // namespace chatctl
