// How a write command runs and prints: its changes through the engine in one transaction,
// printed as a plan once secured, and its change number once committed.
#pragma once

#include "app.hpp"
#include "core/decl/declaration.hpp"
#include "core/engine.hpp"
#include "render.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace chatctl {
struct ApplyOptions; // core/decl/converge.hpp
}

namespace chatctl::cli {

// Runs one write command: the planner's changes go through the engine in one
// transaction, then the result is printed as a plan (nothing with -q), and its change
// number: `Change N committed.` on stderr (not with -q), `change` in the document. With
// --dry-run, every change is checked in the write transaction, which is rolled back, and
// the plan printed as `plan` prints one.
void run_write(const Globals& g, const std::string& command, const Planner& planner,
               Summary summary = Summary::none);

// The changes run hands to its sink, as plan lines (with a summary line when asked) or
// the plan document, printed to out as they come (only counted with -q); with change
// given, a write's document, whose `change` is *change (null when 0), read once they are
// all written. Returns whether there was any.
bool stream_plan(const Globals& g, std::ostream& out, Summary summary,
                 const std::function<void(const ChangeSink&)>& run,
                 const int64_t* change = nullptr);

// apply writing while it reads (StreamedConverge): true once committed and printed; else
// `read` holds the declaration, read whole, for apply's ordinary path.
bool apply_while_reading(const Globals& g, const Sources& sources, const ApplyOptions& options,
                         Declaration& read);
// plan (and apply --dry-run) planning while it reads, in the store's read snapshot: once
// printed, whether any change is pending; else nullopt, and `read` holds the declaration,
// read whole, for the ordinary path.
std::optional<bool> plan_while_reading(const Globals& g, const Sources& sources,
                                       const ApplyOptions& options, Declaration& read);

// run_write for a change set too large to hold (apply): the changes are applied as they
// are planned, and printed once committed (with --dry-run, as run_write).
void run_streamed_write(const Globals& g, const std::string& command, const StreamPlanner& planner,
                        Summary summary);

} // namespace chatctl::cli
