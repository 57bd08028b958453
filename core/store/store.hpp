// The SQLite store: opening (path, permissions, schema upgrades), the queries the
// commands read with, and the row-level writes the engine makes. It checks no rule of
// its own beyond what the schema guards; the engine checks them first.
#pragma once

#include "core/model.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatctl {

struct StoreOptions {
    std::string path;
    int lock_timeout_seconds = 5;
};

struct TenantRow {
    int64_t id = 0;
    int64_t default_profile_id = 0;
    Tenant tenant;
};

struct ProfileRow {
    int64_t id = 0;
    Profile profile;
};

struct UserRow {
    int64_t id = 0;
    int64_t profile_id = 0;
    User user;
};

struct HistoryEntry {
    int64_t id = 0;
    std::string at, actor, command;
    std::optional<std::string> tenant;
    std::string kind, key, action;
    Json before, after;
};

class Store {
  public:
    // For commands that only read: the store must exist and never changes.
    static std::unique_ptr<Store> open_read(const StoreOptions& options);
    // Like open_read, but nullptr when no file is at the path.
    static std::unique_ptr<Store> open_read_if_exists(const StoreOptions& options);
    // For commands that write: creates the file (0600) and its folder (0700) when
    // missing and upgrades an older schema, in one transaction.
    static std::unique_ptr<Store> open_write(const StoreOptions& options);
    // A private store in memory, with the same schema and guards (for tests and plans).
    static std::unique_ptr<Store> in_memory();

    // After a failed write: a store this command created, still holding nothing, is
    // removed with its folders when the Store closes, so a failure leaves no file behind.
    void discard_if_new();

    SQLite::Database& db() { return db_; }
    // How long a write waits for another writer's lock (--lock-timeout).
    int lock_timeout_ms() const { return lock_timeout_ms_; }
    const std::string& path() const { return path_; }

    // Reads. Names and logins are matched case-insensitively (R9).
    std::optional<TenantRow> find_tenant(std::string_view key);
    std::optional<ProfileRow> find_profile(const TenantRow& tenant, std::string_view name);
    std::optional<ProfileRow> profile_by_id(int64_t id);
    std::optional<UserRow> find_user(const TenantRow& tenant, std::string_view login);
    int64_t count_users(int64_t tenant_id, std::optional<int64_t> profile_id = std::nullopt);
    std::vector<TenantInfo> list_tenants(std::optional<std::string_view> key = std::nullopt);
    std::vector<ProfileInfo> list_profiles(const TenantRow& tenant,
                                           std::optional<std::string_view> name = std::nullopt);
    std::vector<UserRow> list_users(const TenantRow& tenant,
                                    std::optional<int64_t> profile_id = std::nullopt);
    // The same, one by one in login order, never held whole; f must not write.
    void each_user(const TenantRow& tenant, std::optional<int64_t> profile_id,
                   const std::function<void(const UserRow&)>& f);

    // The users of a tenant in login order (ignoring case), read a page at a time: no
    // statement stays open between pages, so the caller may write the users it has
    // passed (and users before the one it holds) while it scans.
    class UserScan {
      public:
        UserScan(Store& store, const TenantRow& tenant) : store_(store), tenant_(tenant) {}
        const UserRow* next(); // nullptr past the last
      private:
        Store& store_;
        TenantRow tenant_;
        std::vector<UserRow> page_;
        size_t at_ = 0;
        bool last_page_ = false;
    };
    std::vector<HistoryEntry> history(std::optional<std::string_view> tenant, int limit);
    // Every tenant key, in order (no counts: for completion).
    std::vector<std::string> tenant_keys();
    // Logins of a tenant starting with prefix (ignoring case), at most limit of them.
    std::vector<std::string> logins_starting(const TenantRow& tenant, std::string_view prefix,
                                             int limit);

    // Writes, inside the caller's transaction.
    int64_t insert_tenant(const Tenant& tenant);
    void update_tenant(int64_t id, const Tenant& tenant);
    void delete_tenant(int64_t id);
    void set_default_profile(int64_t tenant_id, int64_t profile_id);
    int64_t insert_profile(int64_t tenant_id, const Profile& profile);
    void update_profile(int64_t id, const Profile& profile);
    void delete_profile(int64_t id);
    // Users to insert, many to a statement (several times faster than one each). When
    // the store refuses one, nothing of its statement is written and UserRefused says
    // which it was.
    struct NewUser {
        int64_t tenant_id = 0, profile_id = 0;
        User user;
    };
    struct UserRefused {
        size_t index;             // in the vector given
        std::exception_ptr error; // what the store said
    };
    void insert_users(const std::vector<NewUser>& users);
    void update_user(int64_t id, int64_t profile_id, const User& user);
    void delete_user(int64_t id);
    // One history row; before and after are the objects' JSON texts, or none. Rows are
    // written in batches (one statement for many is several times faster); call
    // flush_history() before committing.
    void append_history(const std::string& at, const std::string& actor, const std::string& command,
                        const std::string& tenant, const char* kind, const std::string& key,
                        const char* action, const std::optional<std::string>& before,
                        const std::optional<std::string>& after);
    void flush_history();
    // Drops the rows not written yet (after a failed write).
    void discard_history() { history_batch_.clear(); }

    // The files and folders a write command created: removed on closing when armed.
    struct Created {
        std::string file;
        std::vector<std::string> folders;
        bool discard = false;
        ~Created();
    };

  private:
    Store(const std::string& path, int flags, int lock_timeout_seconds);
    SQLite::Statement& statement(const char* sql);
    void check_version(bool may_upgrade);
    void check_objects(int version);

    std::string path_;
    Created created_; // before db_: it acts once the connection is closed
    SQLite::Database db_;
    int lock_timeout_ms_;
    std::map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
    struct HistoryRow {
        std::string at, actor, command, tenant, key;
        const char *kind, *action;
        std::optional<std::string> before, after;
    };
    std::vector<HistoryRow> history_batch_;
};

// The store path: --db, else $CHATCTL_DB, else $XDG_DATA_HOME/chatctl/chatctl.db, else
// ~/.local/share/chatctl/chatctl.db.
std::string resolve_store_path(const std::optional<std::string>& flag);

// Rethrows the exception in flight as an Error: SQLite failures become store errors
// (locked, corrupt, read-only...) or conflicts (a constraint of the store), anything
// unknown an internal error. Call it only from a catch block.
[[noreturn]] void rethrow_as_error(const std::string& store_path);

} // namespace chatctl
