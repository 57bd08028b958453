// Opening the PostgreSQL store: connecting, the schema's version, creating and upgrading
// it, and the transactions every command runs in.
#include "core/store/postgres/pg_store.hpp"

#include "core/error.hpp"
#include "core/store/postgres/pg_schema.hpp"

namespace chatctl::postgres {

namespace {

[[noreturn]] void store_fail(const std::string& message, std::vector<std::string> hints = {}) {
    fail(ErrorKind::store, message, std::move(hints));
}

// The write lock: one advisory lock per database, held to the end of the transaction.
// Its two keys spell "chat" and "ctl" in ASCII.
const char* const kLock = "SELECT pg_advisory_xact_lock(1667785076, 6517868)";
const char* const kTryLock = "SELECT pg_try_advisory_xact_lock(1667785076, 6517868)";

std::string create_hint(const std::string& role) {
    return "create it with `chatctl store init --grant " + role +
           "` run by the role that owns the database (or any write command run by a role "
           "that may create tables there)";
}

} // namespace

PgStore::PgStore(const StoreOptions& options)
    : conn_(options.path, redact_uri(options.path)),
      lock_timeout_seconds_(options.lock_timeout_seconds) {
    // Waiting for a lock (the write lock, a row another session holds) ends after
    // --lock-timeout; 0 waits as little as PostgreSQL allows, as it is never "forever".
    const int ms = options.lock_timeout_seconds > 0 ? options.lock_timeout_seconds * 1000 : 1;
    conn_.run("SET lock_timeout = " + std::to_string(ms));
}

std::unique_ptr<PgStore> PgStore::open(const StoreOptions& options, OpenMode mode) {
    std::unique_ptr<PgStore> store(new PgStore(options));
    if (mode == OpenMode::write) {
        if (store->version() != schema::current_version()) store->migrate();
        return store;
    }
    // One snapshot for the whole command, which never waits for a writer.
    store->conn_.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const int version = store->version();
    if (version == 0) {
        if (mode == OpenMode::read_if_exists) return nullptr;
        store_fail(store->conn_.shown() + " holds no chatctl store",
                   {create_hint(store->conn_.user())});
    }
    store->check_version(version);
    return store;
}

int PgStore::version() {
    Result exists = conn_.query("SELECT to_regclass('chatctl_version') IS NOT NULL");
    if (!exists.boolean(0, 0)) return 0;
    Result v = conn_.query("SELECT version FROM chatctl_version");
    if (v.rows() != 1)
        store_fail(conn_.shown() + " is damaged: its schema version is missing",
                   {"the store was changed outside chatctl; restore a backup"});
    return static_cast<int>(v.integer(0, 0));
}

void PgStore::check_version(int version) {
    const int current = schema::current_version();
    if (version < 0)
        store_fail(conn_.shown() + " has an invalid schema version (" + std::to_string(version) +
                       "): it was changed outside chatctl",
                   {"restore a backup; the store was left untouched"});
    if (version > current)
        store_fail(conn_.shown() + " has schema version " + std::to_string(version) +
                       ", newer than this chatctl knows (" + std::to_string(current) + ")",
                   {"use a newer chatctl with this store; it was left untouched"});
}

void PgStore::migrate() {
    begin_write(); // two first writers: the second finds the schema made
    const int version = this->version();
    check_version(version);
    if (version < schema::current_version()) {
        Result may = conn_.query("SELECT current_schema() IS NOT NULL AND "
                                 "has_schema_privilege(current_schema(), 'CREATE')");
        if (!may.boolean(0, 0))
            store_fail(version == 0 ? conn_.shown() + " holds no chatctl store, and role " +
                                          conn_.user() + " may not create one"
                                    : conn_.shown() + " has schema version " +
                                          std::to_string(version) + ", older than this chatctl's",
                       {version == 0 ? create_hint(conn_.user())
                                     : "upgrade it with `chatctl store upgrade`, run by the role "
                                       "that owns the schema"});
        for (int v = version; v < schema::current_version(); ++v)
            conn_.run(schema::migrations()[v]);
        conn_.query("INSERT INTO chatctl_version (version) VALUES ($1) "
                    "ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version",
                    {std::to_string(schema::current_version())});
    }
    commit();
}

int PgStore::init(const StoreOptions& options, const std::optional<std::string>& grant_to,
                  bool create) {
    PgStore store(options);
    if (!create && store.version() == 0)
        store_fail(store.conn_.shown() + " holds no chatctl store to upgrade",
                   {"create it with `chatctl store init`"});
    store.migrate();
    if (grant_to) {
        store.begin_write();
        std::string grants = schema::kGrants;
        const std::string role = store.conn_.escape_identifier(*grant_to);
        for (size_t at = grants.find("%s"); at != std::string::npos; at = grants.find("%s", at))
            grants.replace(at, 2, role);
        store.conn_.run(grants);
        store.commit();
    }
    return schema::current_version();
}

void PgStore::begin_write() {
    conn_.run("BEGIN");
    in_transaction_ = true;
    if (lock_timeout_seconds_ == 0) {
        if (!conn_.query(kTryLock).boolean(0, 0))
            store_fail(conn_.shown() + " is locked by another writer",
                       {"retry later, or wait longer with --lock-timeout SECONDS"});
    } else {
        conn_.query(kLock);
    }
}

bool PgStore::write_locked_elsewhere() {
    // Outside a transaction, the lock taken here is let go at once.
    return !conn_.query(kTryLock).boolean(0, 0);
}

void PgStore::commit() {
    in_transaction_ = false;
    conn_.commit();
}

void PgStore::rollback() {
    if (!in_transaction_) return;
    in_transaction_ = false;
    conn_.run("ROLLBACK");
}

} // namespace chatctl::postgres
