// The users a declaration names, kept in a temporary file instead of memory: a
// declaration of a million users is read as a stream, each user written as it is read,
// and planning reads them back. A tenant whose users come in login order (as export
// writes them) is read back as written; the users of any other tenant are sorted by a
// private temporary SQLite database, which also finds those declared twice.
#pragma once

#include "core/decl/input.hpp"
#include "core/model.hpp"
#include "core/pipe.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
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
    ~DeclUsers();
    DeclUsers(const DeclUsers&) = delete;
    DeclUsers& operator=(const DeclUsers&) = delete;

    // Keeps a user of the tenant numbered `tenant` (its place in the declaration). A
    // tenant's users may come in several runs, between other tenants' (rows of a CSV file
    // in any order); a YAML declaration gives each tenant one. Returns the user's number.
    // The user is written to the file on a thread of its own, for the reading to go on.
    int64_t add(size_t tenant, const DeclUser& user);
    // Once every file is read: sorts the tenants whose users are out of order. What
    // follows reads the users only after it.
    void finish();

    // The tenant's users in the order they were declared.
    void each(size_t tenant, const std::function<void(const DeclUser&)>& f);
    // The profile names the tenant's users give, each once as written; nullptr when they
    // are too many to keep (a check of them then reads the users again).
    const std::set<std::string>* profile_names(size_t tenant) const;
    // The users declared more than once in a tenant (ignoring case, R9): for each, every
    // declaration of it.
    struct Duplicate {
        size_t tenant;
        std::vector<DeclUser> users;
    };
    std::vector<Duplicate> duplicates();

    // The tenant's users in login order (ignoring case, R9), as the store's index orders
    // them, so that both can be walked side by side.
    class Scan {
      public:
        Scan(DeclUsers& users, size_t tenant);
        ~Scan();
        const DeclUser* next(); // nullptr past the last

      private:
        struct Impl;
        std::unique_ptr<Impl> impl_;
    };

  private:
    struct Segment {
        int64_t begin = 0, end = 0; // byte offsets of records in the file
    };
    struct Run {
        std::vector<Segment> segments;  // where the tenant's records are, in order
        bool sorted = true;             // each login after the one before, ignoring case
        std::string last;               // the last login, folded
        std::set<std::string> profiles; // the names given, while there are few
        bool profiles_kept = true;
        std::string last_profile; // the last name given: most users share their neighbour's
    };
    class Reader;
    struct Added {
        size_t tenant = 0;
        DeclUser user;
        bool last = false; // no user: the spooling thread ends
    };
    void write(size_t tenant, const DeclUser& u);
    void spool();
    void stop_spooling();
    const Run* run(size_t tenant) const;
    SQLite::Database& sorted_db();
    DeclUser from_row(SQLite::Statement& st) const;
    int file_number(const std::string& file);

    std::FILE* file_ = nullptr;
    int64_t size_ = 0, count_ = 0;
    std::optional<size_t> last_tenant_; // whose record was written last
    std::string record_;
    std::map<size_t, Run> runs_;
    std::vector<std::string> files_;
    std::unique_ptr<SQLite::Database> db_; // only when a tenant is out of order
    Pipe<Added> added_;                    // to the spooling thread, which alone writes
    std::thread spooler_;                  // until finish()
    std::exception_ptr spool_failure_;
};

} // namespace chatctl
