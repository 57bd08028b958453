// `chatctl user import`: agents from CSV, read into a declaration of one tenant's users,
// so that they are planned and written as a declaration's users are.
#pragma once

#include "core/decl/declaration.hpp"

#include <string>
#include <vector>

namespace chatctl::csv {

// The columns a user list prints, and import reads.
inline const char* const kUserColumns[] = {"tenant", "login", "name", "email", "profile"};

// Which tenant each row goes to, and which columns are not read.
struct ImportOptions {
    // The tenant of the rows that name none (no tenant column, or an empty cell).
    std::optional<std::string> tenant;
    // Every row must be of `tenant` (it was given with -t): a row naming another is a
    // problem at its cell.
    bool only_tenant = false;
    // Header names (ignoring case and surrounding space) whose cells are not read; each
    // must be in the header.
    std::vector<std::string> ignore_columns;
    // Columns that are neither known nor mapped are skipped, not refused.
    bool ignore_unknown_columns = false;
    // FIELD=COLUMN, as --map gives them: the field (a kUserColumns name) is read from the
    // column a header name or `#N` names, or from a template of them
    // (`{first name} {last name}`).
    std::vector<std::string> map;
    // The file has no header row: its columns are named #1, #2, ... by --map.
    bool no_header = false;
    // The character between fields; nullopt: the one of kDelimiters that splits the header
    // into the most names chatctl reads.
    std::optional<char> delimiter;
    std::string encoding = "utf-8"; // one of dialect.hpp's encodings()
};

// Reads source (a header row naming columns, then one agent per row) as the users of the
// tenants its rows name. Every problem is in the declaration's problems at its place, with
// the file read to its end; each tenant's header (its display name) is for the caller to
// set from the store. A column left out of the header keeps, for a user already there,
// what it has; an empty cell clears a name or an email, and gives a new user the tenant
// default profile (an existing one keeps its own).
struct UserFile {
    Declaration declaration;
    int64_t users = 0;     // rows read without a problem
    char delimiter = ',';  // the one read with
    bool detected = false; // found in the header, not given
};
UserFile read_users(const Source& source, const ImportOptions& options);

// A list of logins, one per line (`--logins-from`): LF or CRLF, blank lines skipped, space
// around a login ignored. Every login that is not one is reported at its place, all at
// once, as invalid input.
std::vector<std::string> read_logins(const Source& source);

} // namespace chatctl::csv
