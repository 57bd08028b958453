// Planning a declaration against the store: the change set that makes every declared
// tenant match its declaration, in an order the engine can write, or every reason it
// cannot (a declaration that cannot be met is invalid input; one that would break a
// rule, such as a prune leaving users on a deleted profile, is a conflict).
#pragma once

#include "core/decl/declaration.hpp"
#include "core/engine.hpp"

namespace chatctl {

// Every problem is found first, the declaration's own reported with those found against
// the store; then each change is handed to emit, as it is planned, in an order the
// engine can write. Memory grows with tenants and profiles, not with users.
void converge(Store& store, const Declaration& declaration, bool prune, const ChangeSink& emit);
// The same, held whole (for small declarations and tests).
ChangeSet converge(Store& store, const Declaration& declaration, bool prune);

// For `plan` and `apply --dry-run`: inside a read transaction, writing nothing.
void plan_declaration(Store& store, const Declaration& declaration, bool prune,
                      const ChangeSink& emit);

} // namespace chatctl
