// Declarations: reading YAML files (or standard input, or folders of them) into the
// tenants, profiles and users they declare, with every problem reported at its place.
// Reading is separate from planning (converge.hpp), which compares with the store.
#pragma once

#include "core/decl/yaml_reader.hpp"
#include "core/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace chatctl {

struct Place {
    std::string file;
    Position at;
    std::string str() const; // FILE:LINE:COLUMN
};

struct DeclProfile {
    Profile profile;
    std::optional<bool> is_default; // as written; nullopt when left out
    Place at, default_at;
};

struct DeclUser {
    User user; // user.profile is "" when left out
    bool has_profile = false;
    Place at, profile_at;
};

struct DeclTenant {
    Tenant tenant;
    bool has_profiles = false, has_users = false;
    std::vector<DeclProfile> profiles;
    std::vector<DeclUser> users;
    Place at;
};

struct Declaration {
    std::vector<DeclTenant> tenants;  // the tenants no problem was found in
    std::vector<Diagnostic> problems; // every problem found in reading: invalid input
};

struct Source {
    std::string name; // as diagnostics show it; "-" for standard input
    std::string text;
};

struct Sources {
    std::vector<Source> files;
    std::vector<Diagnostic> problems; // paths that cannot be read
};

// Files as named, "-" for standard input, a folder for its *.yaml and *.yml files in
// name order (files whose names start with `.` or end with `~` are editors' own, and
// skipped). A file named twice, by any path, is read once. A path that cannot be read is
// a problem, reported with the rest.
Sources read_sources(const std::vector<std::string>& paths);

// Reads, validates (schema, then what a schema cannot say: duplicates across files,
// two defaults in a tenant) and converts every source. The tenants with no problem are
// kept, so that planning can find the problems they have with the store too.
Declaration load_declaration(const std::vector<Source>& sources,
                             std::vector<Diagnostic> problems = {});
Declaration load_declaration(const Sources& sources);

// "1 error; nothing was written", "3 errors; ..."
std::string error_summary(size_t count);

// Throws an Error of this kind carrying the diagnostics, with the summary above.
[[noreturn]] void fail_with(ErrorKind kind, std::vector<Diagnostic> diagnostics);

// ASCII lower case: names and logins compare as the store compares them (R9).
std::string fold(const std::string& text);

} // namespace chatctl
