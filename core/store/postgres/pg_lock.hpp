// Who holds the PostgreSQL store's write lock. A writer names itself in its session's
// application_name (`chatctl/apply|alice|4242@ci-7`), which every session of the database
// may read in pg_stat_activity; a writer that gives up waiting for the advisory lock finds
// its holder in pg_locks.
#pragma once

#include "core/store/postgres/pg_conn.hpp"
#include "core/store/store.hpp"

#include <optional>
#include <string>

namespace chatctl::postgres {

// The application_name a writer takes: at most 63 bytes of printable ASCII (what the
// server keeps), each field percent-encoded where it is not; the host, then the actor,
// cut short ("...") when they do not fit.
std::string writer_application_name(const Writer& writer);

// The session holding the write lock, read outside any transaction; nullopt when none
// does any more.
std::optional<WriteLockHolder> lock_holder(Conn& conn);

} // namespace chatctl::postgres
