// The store interface: the queries the commands read with, the row and batch writes the
// engine makes, and its transactions. Two implementations: the SQLite file
// (core/store/sqlite/) and PostgreSQL (core/store/postgres/); open_store() picks one by
// the text --db gives, and nothing else chooses between them. A store checks no rule of
// its own beyond what its schema guards; the engine checks them first.
#pragma once

#include "core/model.hpp"

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatctl {

struct StoreOptions {
    std::string path; // a file path, or a PostgreSQL URI or keyword/value string
    int lock_timeout_seconds = 5;
    // The default location's folders are made for a new store; a given path's never are.
    bool make_folders = false;
    // PostgreSQL: how long connecting may take, whatever the URI, a service file or
    // $PGCONNECT_TIMEOUT say (completion: 2 s); else theirs, else 10 s.
    std::optional<int> connect_timeout_limit;
    // Told the path of a store file this command created, once it is in place.
    std::function<void(const std::string& path)> on_created;
};

// Who is writing, as a writer that gives up waiting for the write lock is told of it.
struct Writer {
    std::string actor;
    std::string command; // as history records it: "profile add", "apply"
};

// The holder of the write lock, as far as the store can tell ("" and 0 where unknown).
struct WriteLockHolder {
    std::string actor, command, host, since; // since: ISO 8601 UTC
    int64_t pid = 0;                         // the chatctl process
    // A holder that is not a chatctl writer (a psql session): what the store says of it.
    std::string other;
};

// "STORE is locked by another writer: alice running `chatctl apply` (process 4242 on host
// ci-7) since ...", with the hint to retry; the holder's texts with controls escaped.
[[noreturn]] void fail_locked(const std::string& store,
                              const std::optional<WriteLockHolder>& holder);

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
    int64_t change = 0; // shared by every entry of one committed command
    std::string at, actor, command;
    std::optional<std::string> tenant;
    std::string kind, key, action;
    Json before, after;
    // With HistoryFilter::texts: before and after as history keeps them, unparsed (before
    // and after are then null).
    std::optional<std::string> before_text, after_text;
    // Why the change was made (--reason), when given (and read: HistoryFilter::reasons).
    std::optional<std::string> reason;
};

// Which history entries to read. Every field given narrows the selection.
struct HistoryFilter {
    std::optional<std::string> tenant, kind, key, actor; // key is compared ignoring case
    std::optional<int64_t> change;
    std::optional<std::string> since, until;    // ISO 8601 UTC with milliseconds, inclusive
    std::optional<int64_t> before_id, after_id; // id < before_id, id > after_id
    bool oldest_first = false;                  // else newest first
    // Entries' before and after left as texts (HistoryEntry::before_text, after_text): a
    // reader of many entries that knows their form reads them faster itself.
    bool texts = false;
    // Each entry's change's reason (HistoryEntry::reason) read too.
    bool reasons = true;
};

class Store {
  public:
    virtual ~Store() = default;

    // Transactions. A store opened for reading is in one snapshot from opening to closing.
    // A write takes the store's one write lock, waiting up to --lock-timeout, and holds it
    // to commit or rollback, telling who holds it (the writer) to any other writer that
    // gives up waiting for it (fail_locked).
    virtual void begin_write(const Writer& writer) = 0;
    // Whether another writer holds the write lock now (does not wait).
    virtual bool write_locked_elsewhere() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    // Ends the snapshot of a store opened for reading, once all is read (closing the store
    // ends it too): a read command prints after it, so that no server session waits on its
    // reader inside a transaction. Nothing may be read after it.
    virtual void end_read() {}
    // Whether reading holds a server's session (PostgreSQL): a read command that prints
    // as it reads then keeps what it prints aside until end_read.
    virtual bool read_holds_session() const { return false; }

    // Reads. Names and logins are matched case-insensitively (R9), ASCII only.
    virtual std::optional<TenantRow> find_tenant(std::string_view key) = 0;
    virtual std::optional<ProfileRow> find_profile(const TenantRow& tenant,
                                                   std::string_view name) = 0;
    virtual std::optional<ProfileRow> profile_by_id(int64_t id) = 0;
    virtual std::optional<UserRow> find_user(const TenantRow& tenant, std::string_view login) = 0;
    // The users of those logins that exist, in any order: find_user for many at once
    // (one query on a server, where a query per user is a round trip each).
    virtual std::vector<UserRow> find_users(const TenantRow& tenant,
                                            const std::vector<std::string>& logins);
    virtual int64_t count_users(int64_t tenant_id,
                                std::optional<int64_t> profile_id = std::nullopt) = 0;
    virtual std::vector<TenantInfo>
    list_tenants(std::optional<std::string_view> key = std::nullopt) = 0;
    virtual std::vector<ProfileInfo>
    list_profiles(const TenantRow& tenant, std::optional<std::string_view> name = std::nullopt) = 0;
    std::vector<UserRow> list_users(const TenantRow& tenant,
                                    std::optional<int64_t> profile_id = std::nullopt);
    // The same, one by one in login order (ignoring case), never held whole; f must not write.
    virtual void each_user(const TenantRow& tenant, std::optional<int64_t> profile_id,
                           const std::function<void(const UserRow&)>& f) = 0;
    // At most limit users of a tenant in login order (ignoring case), after the login
    // `after` when given (keyset paging).
    virtual std::vector<UserRow> user_page(const TenantRow& tenant,
                                           const std::optional<std::string>& after, int limit) = 0;

    // The users of a tenant in login order, read a page at a time: no statement stays open
    // between pages, so the caller may write the users it has passed while it scans.
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
    virtual std::vector<HistoryEntry> history(const HistoryFilter& filter, int limit) = 0;
    // Every entry the filter selects, given to each a page (at most `page` entries) at a
    // time; each may read and write the store between pages (but not page through history
    // itself).
    using HistoryPage = std::function<void(const std::vector<HistoryEntry>&)>;
    virtual void history_pages(HistoryFilter filter, int page, const HistoryPage& each);
    // How many entries the filter selects (before_id, after_id and order included).
    virtual int64_t history_count(const HistoryFilter& filter) = 0;
    // Whether history holds any entry of the tenant (a deleted one's stays).
    bool tenant_in_history(const std::string& key);
    // The number the next committed command's history entries share.
    virtual int64_t next_change() = 0;
    // The schema version the store has as opened (an older one is read as it is).
    virtual int64_t schema_version() = 0;
    // The version of the server that holds it (PostgreSQL's server_version); "" for a file.
    virtual std::string server_version() { return ""; }
    // The tenants `apply --owner owner` manages, in key order.
    virtual std::vector<TenantRow> tenants_owned_by(std::string_view owner) = 0;
    // Every tenant key, in order (no counts: for completion).
    virtual std::vector<std::string> tenant_keys() = 0;
    // Logins of a tenant starting with prefix (ignoring case), at most limit of them.
    virtual std::vector<std::string> logins_starting(const TenantRow& tenant,
                                                     std::string_view prefix, int limit) = 0;

    // Writes, inside a write transaction.
    virtual int64_t insert_tenant(const Tenant& tenant) = 0;
    virtual void update_tenant(int64_t id, const Tenant& tenant) = 0;
    virtual void delete_tenant(int64_t id) = 0;
    virtual void set_default_profile(int64_t tenant_id, int64_t profile_id) = 0;
    virtual int64_t insert_profile(int64_t tenant_id, const Profile& profile) = 0;
    virtual void update_profile(int64_t id, const Profile& profile) = 0;
    virtual void delete_profile(int64_t id) = 0;
    // Users to insert, many at once. When the store refuses one, nothing of the batch is
    // written and UserRefused names it. A store may send a batch and go on, and throw
    // UserRefused from a later call of the same transaction: settle_writes() waits for
    // every batch sent.
    struct NewUser {
        int64_t tenant_id = 0, profile_id = 0;
        User user;
    };
    struct UserRefused {
        int64_t tenant_id; // the user's, as given
        std::string login;
        std::exception_ptr error; // what the store said
    };
    virtual void insert_users(std::vector<NewUser> users) = 0;
    virtual void settle_writes() {}
    virtual void update_user(int64_t id, int64_t profile_id, const User& user) = 0;
    // Users that exist, updated together (no login among them taken by another).
    struct UserUpdate {
        int64_t id = 0, profile_id = 0;
        User user;
    };
    virtual void update_users(const std::vector<UserUpdate>& users);
    // Users that exist, deleted together.
    virtual void delete_users(const std::vector<int64_t>& ids) = 0;
    // The users of those logins (no two the same, ignoring case) deleted together, as
    // they were, in any order, when every one is found; when some are not, the users
    // found are returned and none is deleted. find_users and delete_users in one: the
    // rows are found once.
    virtual std::vector<UserRow> delete_users_named(const TenantRow& tenant,
                                                    const std::vector<std::string>& logins);
    // One history row; before and after are the objects' JSON texts, or none. Rows may be
    // held and written in batches: call flush_history() before committing.
    struct HistoryRow {
        int64_t change;
        std::string at, actor, command, tenant, key;
        const char *kind, *action;
        std::optional<std::string> before, after;
    };
    void append_history(HistoryRow row);
    void flush_history();
    // Drops the rows not written yet (after a failed write).
    void discard_history() { history_batch_.clear(); }
    // Why change `change` was made, once its history is written (flush_history): the
    // store refuses a reason for a change history does not hold.
    virtual void record_reason(int64_t change, const std::string& reason) = 0;

  protected:
    // Writes the rows held (at least one).
    virtual void insert_history(const std::vector<HistoryRow>& rows) = 0;
    virtual size_t history_batch_size() const { return 64; }

  private:
    std::vector<HistoryRow> history_batch_;
};

// A write transaction: begun on construction, rolled back unless committed.
class WriteTransaction {
  public:
    WriteTransaction(Store& store, const Writer& writer) : store_(store) {
        store_.begin_write(writer);
    }
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    void commit();

  private:
    Store& store_;
    bool done_ = false;
};

enum class OpenMode {
    read,           // the store must exist; one snapshot for the whole command
    read_if_exists, // the same, but nullptr when there is no store
    write,          // creates the store (and its schema) when missing, upgrades an older one
    // As for a write that is never committed (--dry-run): nullptr when there is no store
    // (nothing is created); an older store is upgraded in the write transaction only, and
    // that upgrade rolled back with it.
    dry_run,
};

// The store --db names: a PostgreSQL URI or keyword/value string is a PostgreSQL
// database, any other URI is refused, anything else is a SQLite file (store_text.hpp).
std::unique_ptr<Store> open_store(const StoreOptions& options, OpenMode mode);
// What `store init` or `store upgrade` did.
struct InitReport {
    int version = 0;  // the schema version the store has now
    int previous = 0; // the one it had before: 0 when it was created
    std::optional<std::string> granted_to;
};
// `chatctl store init` (create true) and `store upgrade`: creates the store's schema when
// missing (init only) and upgrades an older one; on PostgreSQL, grants everyday use (rows
// only) to the role named.
InitReport init_store(const StoreOptions& options, const std::optional<std::string>& grant_to,
                      bool create);
// A private store in memory, with the same schema and guards (for tests and plans).
std::unique_ptr<Store> memory_store();

// The store's text as it may be shown: a PostgreSQL store without its password.
std::string describe_store(const std::string& text);

// The store path: --db, else $CHATCTL_DB, else $XDG_DATA_HOME/chatctl/chatctl.db, else
// ~/.local/share/chatctl/chatctl.db. A URI of no store chatctl knows is invalid input.
// `is_default` tells whether it is the default location.
std::string resolve_store_path(const std::optional<std::string>& flag, bool* is_default = nullptr);

// History is read in the current schema only: an older store's (read as it is by the other
// read commands) is refused, saying to upgrade it.
void refuse_history_before_upgrade(const std::string& shown, int64_t version, int current);

// Rethrows the exception in flight as an Error: a store's failures become store errors
// (locked, corrupt, read-only...) or conflicts (a constraint of the store), anything
// unknown an internal error. Call it only from a catch block.
[[noreturn]] void rethrow_as_error(const std::string& store_text);

} // namespace chatctl
