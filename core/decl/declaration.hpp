// Declarations: reading YAML files (or standard input, or folders of them) into the
// tenants, profiles and users they declare, with every problem reported at its place.
// Reading is separate from planning (converge.hpp), which compares with the store.
#pragma once

#include "core/decl/decl_users.hpp"
#include "core/decl/yaml_reader.hpp"
#include "core/model.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chatctl {

struct DeclProfile {
    Profile profile;
    std::optional<bool> is_default; // as written; nullopt when left out
    Place at, default_at;
};

struct DeclTenant {
    Tenant tenant;
    bool has_profiles = false, has_users = false;
    // Users' names and emails not declared (a CSV without those columns): a user already
    // there keeps its own.
    bool keeps_names = false, keeps_emails = false;
    std::vector<DeclProfile> profiles;
    size_t number = 0;                     // its place among all tenants declared
    int64_t first_user = 1, last_user = 0; // its users in Declaration::users
    Place at;
};

struct Declaration {
    std::vector<DeclTenant> tenants;  // the tenants no problem was found in
    std::vector<Diagnostic> problems; // every problem found in reading: invalid input
    std::shared_ptr<DeclUsers> users; // the users of every tenant, by tenant number
};

struct Source {
    std::string name; // as diagnostics show it; "-" for standard input
    Input input;
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

// Told, while a declaration is read, of each tenant as its users list opens (with the
// tenant as declared before it, or nullopt when that part does not hold up on its own)
// and of each user found valid: what lets apply write while it reads.
class ReadListener {
  public:
    virtual ~ReadListener() = default;
    virtual void tenant(const std::optional<DeclTenant>& header) = 0;
    virtual void user(const DeclUser& user) = 0;
};

// Reads, validates (schema, then what a schema cannot say: duplicates across files,
// two defaults in a tenant) and converts every source. The tenants with no problem are
// kept, so that planning can find the problems they have with the store too.
Declaration load_declaration(const std::vector<Source>& sources,
                             std::vector<Diagnostic> problems = {},
                             ReadListener* listener = nullptr);
Declaration load_declaration(const Sources& sources, ReadListener* listener = nullptr);

// "1 error; nothing was written", "3 errors; ..."
std::string error_summary(size_t count);

// Throws an Error of this kind carrying the diagnostics, with the summary above.
[[noreturn]] void fail_with(ErrorKind kind, std::vector<Diagnostic> diagnostics);

} // namespace chatctl
