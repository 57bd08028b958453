// The users a declaration names, kept in a private temporary SQLite database instead of
// memory: a declaration of a million users is read as a stream, each user stored as it
// is read, and planning walks them back in the order they were written.
#pragma once

#include "core/decl/input.hpp"
#include "core/model.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chatctl {

struct Place {
    std::string file;
    Position at;
    std::string str() const; // FILE:LINE:COLUMN
};

struct DeclUser {
    int64_t seq = 0; // the order it was declared in, across files
    User user;       // user.tenant is left empty; user.profile is "" when left out
    bool has_profile = false;
    Place at, profile_at;
};

class DeclUsers {
  public:
    DeclUsers();

    // Stores a user of the tenant numbered `tenant` (its place in the declaration).
    int64_t add(size_t tenant, const DeclUser& user);
    // Once every file is read: indexes the users by login.
    void finish();

    // The users numbered first..last (a tenant's, which are read in one run), in order.
    void each(int64_t first, int64_t last, const std::function<void(const DeclUser&)>& f);
    // The user of the tenant with this login (ignoring case, R9), if declared.
    std::optional<DeclUser> find(size_t tenant, const std::string& login);
    // Distinct profile names the users numbered first..last give.
    std::vector<std::string> profile_names(int64_t first, int64_t last);
    // The users declared more than once in a tenant: for each, every declaration of it.
    struct Duplicate {
        size_t tenant;
        std::vector<DeclUser> users;
    };
    std::vector<Duplicate> duplicates();

  private:
    DeclUser read(SQLite::Statement& st);
    int file_number(const std::string& file);

    SQLite::Database db_;
    std::unique_ptr<SQLite::Statement> insert_, find_;
    std::vector<std::string> files_;
};

} // namespace chatctl
