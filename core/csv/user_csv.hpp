// `chatctl user import`: agents from CSV, read into a declaration of one tenant's users,
// so that they are planned and written as a declaration's users are.
#pragma once

#include "core/decl/declaration.hpp"

#include <string>
#include <vector>

namespace chatctl::csv {

// The columns a user list prints, and import reads (`tenant` is read and ignored, so that
// one tenant's list imports into another).
inline const char* const kUserColumns[] = {"tenant", "login", "name", "email", "profile"};

// Reads source (a header row naming columns, then one agent per row) as the users of
// tenant_key. Every problem is in the declaration's problems at its place, with the file
// read to its end; the tenant's header (its display name) is for the caller to set from
// the store. A column left out of the header keeps, for a user already there, what it
// has; an empty cell clears a name or an email, and gives a new user the tenant default
// profile (an existing one keeps its own).
struct UserFile {
    Declaration declaration;
    int64_t users = 0; // rows read without a problem
};
UserFile read_users(const Source& source, const std::string& tenant_key);

// A list of logins, one per line (`--logins-from`): LF or CRLF, blank lines skipped, space
// around a login ignored. Every login that is not one is reported at its place, all at
// once, as invalid input.
std::vector<std::string> read_logins(const Source& source);

} // namespace chatctl::csv
