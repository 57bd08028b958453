// The SQLite store: a file opened with its permissions, versions and upgrades checked,
// and the Store interface's queries and writes on it.
#pragma once

#include "core/store/sqlite/writer_record.hpp"
#include "core/store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace chatctl::sqlite {

class SqliteStore final : public Store {
  public:
    static std::unique_ptr<SqliteStore> open(const StoreOptions& options, OpenMode mode);
    static std::unique_ptr<SqliteStore> in_memory();
    // `store init` creates the file as the first write does; neither grants: a file's
    // readers and writers are its mode's.
    static InitReport init(const StoreOptions& options, const std::optional<std::string>& grant_to,
                           bool create);

    SQLite::Database& db() { return db_; }
    const std::string& path() const { return path_; }

    void begin_write(const Writer& writer) override;
    bool write_locked_elsewhere() override;
    void commit() override;
    void rollback() override;

    std::optional<TenantRow> find_tenant(std::string_view key) override;
    std::optional<ProfileRow> find_profile(const TenantRow& tenant, std::string_view name) override;
    std::optional<ProfileRow> profile_by_id(int64_t id) override;
    std::optional<UserRow> find_user(const TenantRow& tenant, std::string_view login) override;
    std::vector<UserRow> find_users(const TenantRow& tenant,
                                    const std::vector<std::string>& logins) override;
    int64_t count_users(int64_t tenant_id, std::optional<int64_t> profile_id) override;
    std::vector<TenantInfo> list_tenants(std::optional<std::string_view> key) override;
    std::vector<ProfileInfo> list_profiles(const TenantRow& tenant,
                                           std::optional<std::string_view> name) override;
    void each_user(const TenantRow& tenant, std::optional<int64_t> profile_id,
                   const std::function<void(const UserRow&)>& f) override;
    std::vector<UserRow> user_page(const TenantRow& tenant, const std::optional<std::string>& after,
                                   int limit) override;
    std::vector<HistoryEntry> history(const HistoryFilter& filter, int limit) override;
    int64_t history_count(const HistoryFilter& filter) override;
    int64_t next_change() override;
    void record_reason(int64_t change, const std::string& reason) override;
    int64_t schema_version() override { return version_; }
    std::vector<TenantRow> tenants_owned_by(std::string_view owner) override;
    std::vector<std::string> tenant_keys() override;
    std::vector<std::string> logins_starting(const TenantRow& tenant, std::string_view prefix,
                                             int limit) override;

    int64_t insert_tenant(const Tenant& tenant) override;
    void update_tenant(int64_t id, const Tenant& tenant) override;
    void delete_tenant(int64_t id) override;
    void set_default_profile(int64_t tenant_id, int64_t profile_id) override;
    int64_t insert_profile(int64_t tenant_id, const Profile& profile) override;
    void update_profile(int64_t id, const Profile& profile) override;
    void delete_profile(int64_t id) override;
    void insert_users(std::vector<NewUser> users) override;
    void update_user(int64_t id, int64_t profile_id, const User& user) override;
    void update_users(const std::vector<UserUpdate>& users) override;
    void delete_users(const std::vector<int64_t>& ids) override;
    std::vector<UserRow> delete_users_named(const TenantRow& tenant,
                                            const std::vector<std::string>& logins) override;

    // A store this command creates. It is built under a temporary name in its folder, which
    // the folder's lock keeps to one writer at a time, and put in place (linked, never over
    // another file) by its first commit: a failed or killed first write leaves no store.
    // Until then, closing removes the temporary file and the folders made for it.
    struct NewStore {
        // The temporary file made, its folders and its folder's lock taken, when there is
        // no store at the path (else nullptr: another first writer may have won).
        static std::unique_ptr<NewStore> make(const StoreOptions& options);
        std::string path, temporary;
        std::vector<std::string> folders; // made for it (the default location only)
        int folder_lock = -1;             // flock on the folder
        bool placed = false;
        NewStore() = default;
        NewStore(const NewStore&) = delete;
        NewStore& operator=(const NewStore&) = delete;
        ~NewStore();
    };

  protected:
    void insert_history(const std::vector<HistoryRow>& rows) override;

  private:
    // The hint where there is no store, or an empty file (sqlite_upgrade.cpp).
    static constexpr const char* kCreateHint =
        "create a store with a write command, e.g. `chatctl tenant create TENANT`, or point "
        "to one with --db or CHATCTL_DB";
    SqliteStore(const std::string& path, int flags, int lock_timeout_seconds);
    static std::unique_ptr<SqliteStore> open_read_if_exists(const StoreOptions& options);
    static std::unique_ptr<SqliteStore> open_write(const StoreOptions& options);
    static std::unique_ptr<SqliteStore> open_dry_run(const StoreOptions& options);
    // BEGIN IMMEDIATE: the write lock, waited for up to --lock-timeout, then refused
    // naming its holder.
    void begin_immediate();
    // The first commit of a new store: the file linked into place, then reopened there.
    void put_in_place();
    SQLite::Statement& statement(const char* sql);
    void check_version(bool may_upgrade);
    void check_objects(int version);
    void refuse_controls(int version);
    // Whether the store has tenants' owners (an older one, read as it is, has none).
    bool has_owners() const;
    // A write of users by the thousand: the per-row triggers on users and history (the
    // guards of raw SQL, most of a bulk write's time) are dropped in its transaction and
    // created again, as they were, just before its COMMIT. No other connection ever sees
    // the store without them; the rows written meanwhile are chatctl's, checked by its
    // own validation (core/validate), which refuses what the triggers refuse.
    void lift_row_guards(size_t rows);
    void restore_row_guards();

    std::string path_;
    std::unique_ptr<NewStore> new_; // before db_: it acts once the connection is closed
    SQLite::Database db_;
    int lock_timeout_ms_;
    std::function<void(const std::string&)> on_created_;
    int version_ = 0;           // as opened, or upgraded to
    int upgraded_from_ = -1;    // the version an upgrade (or creation: 0) started from
    bool dry_run_ = false;      // never commits
    bool upgrade_open_ = false; // a dry run's upgrade, in the write transaction begun
    WriterRecord record_;
    std::vector<std::pair<std::string, std::string>> lifted_; // triggers' names and SQL
    std::map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

// Rethrows the exception in flight as an Error when it is SQLite's; returns otherwise.
void rethrow_sqlite_error(const std::string& where);

} // namespace chatctl::sqlite
