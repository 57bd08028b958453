// Planning a declaration against the store: the change set that makes every declared
// tenant match its declaration, in an order the engine can write, or every reason it
// cannot (a declaration that cannot be met is invalid input; one that would break a
// rule, such as a prune leaving users on a deleted profile, is a conflict).
#pragma once

#include "core/decl/declaration.hpp"
#include "core/engine.hpp"

#include <memory>
#include <optional>
#include <string>

namespace chatctl {

// What apply and plan are asked besides the declaration.
struct ApplyOptions {
    // --prune: in each declared tenant, the sections declared are all there is.
    bool prune = false;
    // --owner: who applies. Each declared tenant is recorded as managed by it (one another
    // owner manages is a conflict, never taken over); with prune, the tenants it manages
    // that the declaration no longer declares are deleted, with their profiles and users.
    std::optional<std::string> owner = std::nullopt;
};

// Every problem is found first, the declaration's own reported with those found against
// the store; then each change is handed to emit, as it is planned, in an order the
// engine can write. Memory grows with tenants and profiles, not with users. A tenant
// --prune --owner deletes comes last, written out in full: its users, its profiles,
// then itself, as the engine records a tenant's deletion.
void converge(Store& store, const Declaration& declaration, const ApplyOptions& options,
              const ChangeSink& emit);
// The same, held whole (for small declarations and tests).
ChangeSet converge(Store& store, const Declaration& declaration, const ApplyOptions& options);

// apply writing while it reads, or plan planning while it reads: given to
// load_declaration, it plans each tenant on a thread of its own as the tenant's users are
// read, so that the planning (and writing) overlaps the parsing. Writing, it runs the
// engine in one write transaction, taken at once or not at all; planning, it reads the
// store's snapshot and hands each change on. That needs each tenant's profiles before its
// users, its users in login order (as export writes them), and no prune that deletes a
// profile; finish() keeps what was done only when all of that held and the declaration,
// read whole, has no problem (a write is rolled back otherwise, and the changes handed
// on are to be dropped), for the declaration to be applied, planned or refused the
// ordinary way.
class StreamedConverge : public ReadListener {
  public:
    // apply: the changes written, each handed to `applied`.
    StreamedConverge(Store& store, WriteContext context, ApplyOptions options, ChangeSink applied);
    // plan: nothing written, each change handed to `planned`.
    StreamedConverge(Store& store, ApplyOptions options, ChangeSink planned);
    ~StreamedConverge() override;
    void tenant(const std::optional<DeclTenant>& header) override;
    void user(const DeclUser& user) override;
    // Whether every change was planned (and written and committed).
    bool finish(const Declaration& declaration);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace chatctl
