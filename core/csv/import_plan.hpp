// `chatctl user import` against the store: the rows read from CSV planned as a
// declaration's users, every fault of the file and of the store found in one run.
#pragma once

#include "core/decl/declaration.hpp"
#include "core/engine.hpp"

namespace chatctl::csv {

// Emits the changes the import makes, or fails with every fault at once, in the file's
// order: the file's own (read into declaration.problems), each tenant its rows name that
// the store lacks (at the first row naming it), and what planning finds (a profile the
// tenant lacks, a login taken in another case). Nothing is emitted when there is a fault.
// The kind is invalid input when the file has faults, else planning's, else not found.
void plan_import(Store& store, Declaration& declaration, bool prune, const ChangeSink& emit);

} // namespace chatctl::csv
