// `chatctl revert CHANGE`: one committed command undone, as a new command of its own.
#pragma once

#include "core/engine.hpp"

#include <cstdint>

namespace chatctl::ops {

// The inverse of change `number`: each object it touched goes back to its state before
// (a create is deleted, a delete comes back with its old values and assignments, an
// update goes back), in an order the engine can write. Refused as a conflict when a
// later change touched one of those objects (naming it) or an object is no longer as the
// change left it, unless `force`: then each goes back to its recorded state before the
// change all the same, still under every rule. An unknown change is not found.
StreamPlanner revert(int64_t number, bool force);

} // namespace chatctl::ops
