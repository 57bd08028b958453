// Planning a declaration against the store: the change set that makes every declared
// tenant match its declaration, in an order the engine can write, or every reason it
// cannot (a declaration that cannot be met is invalid input; one that would break a
// rule, such as a prune leaving users on a deleted profile, is a conflict).
#pragma once

#include "core/decl/declaration.hpp"
#include "core/engine.hpp"

namespace chatctl {

// The declaration's own problems are reported with those found against the store.
ChangeSet converge(Store& store, const Declaration& declaration, bool prune);

// The same, for `plan` and `apply --dry-run`: inside a read transaction, writing nothing.
ChangeSet plan_declaration(Store& store, const Declaration& declaration, bool prune);

} // namespace chatctl
