// Opening the PostgreSQL store: connecting, the schema's version, creating and upgrading
// it, and the transactions every command runs in.
#include "core/store/postgres/pg_store.hpp"

#include "core/error.hpp"
#include "core/store/controls.hpp"
#include "core/store/postgres/pg_lock.hpp"
#include "core/store/postgres/pg_schema.hpp"

#include <charconv>
#include <set>

namespace chatctl::postgres {

namespace {

// The write lock: one advisory lock per database, held to the end of the transaction.
// Its two keys spell "chat" and "ctl" in ASCII.
const char* const kLock = "SELECT pg_advisory_xact_lock(1667785076, 6517868)";
const char* const kTryLock = "SELECT pg_try_advisory_xact_lock(1667785076, 6517868)";

const std::vector<std::string> kCreateHints = {
    "create it with a write command, e.g. `chatctl tenant create TENANT`, run by a role that "
    "may create tables in the database",
    "or have the database's owner create it for roles with row access only: `chatctl store "
    "init --grant ROLE`"};

} // namespace

PgStore::PgStore(const StoreOptions& options)
    : conn_(with_timeouts(parse_conninfo(options.path), options.connect_timeout_limit),
            describe_conninfo(options.path)),
      lock_timeout_seconds_(options.lock_timeout_seconds), on_created_(options.on_created) {}

PgStore::~PgStore() {
    // A session left inside a transaction is one a pooler must close rather than hand on.
    try {
        end_read();
        if (conn_.transaction_open()) conn_.run("ROLLBACK"); // a write that failed to begin
    } catch (const Error&) { // lost: the server ends the transaction itself
    }
}

void PgStore::begin(const std::string& begin_sql) {
    // Waiting for a lock (the write lock, a row another session holds) ends after
    // --lock-timeout; 0 waits as little as PostgreSQL allows, as it is never "forever".
    // SET LOCAL, in the one round trip: the setting ends with the transaction, and never
    // reaches the next client of a pooled session.
    const int ms = lock_timeout_seconds_ > 0 ? lock_timeout_seconds_ * 1000 : 1;
    conn_.run(begin_sql + "; SET LOCAL lock_timeout = " + std::to_string(ms));
}

void PgStore::end_read() {
    if (!reading_) return;
    reading_ = false;
    conn_.run("COMMIT");
}

std::unique_ptr<PgStore> PgStore::open(const StoreOptions& options, OpenMode mode) {
    std::unique_ptr<PgStore> store(new PgStore(options));
    if (mode == OpenMode::write || mode == OpenMode::dry_run) {
        const int64_t version = store->version();
        if (mode == OpenMode::dry_run && version == 0) {
            store->check_version(version);
            return nullptr; // planned as empty, never created
        }
        store->prepare_migration(version); // a dry run's rolls back with its transaction
        return store;
    }
    // One snapshot for the whole command, which never waits for a writer.
    store->begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    store->reading_ = true;
    const int64_t version = store->version();
    store->check_version(version);
    if (version == 0) {
        if (mode == OpenMode::read_if_exists) return nullptr;
        store_fail("no store at " + store->conn_.shown() + ": the database holds no chatctl schema",
                   kCreateHints);
    }
    return store;
}

int64_t PgStore::version() {
    Result exists = conn_.query("SELECT to_regclass('chatctl_version') IS NOT NULL");
    if (!exists.boolean(0, 0)) return 0;
    // As text: a column changed by hand to another type still reads.
    Result v = conn_.query("SELECT version::text FROM chatctl_version");
    if (v.rows() != 1 || v.null(0, 0))
        store_fail(conn_.shown() + " is damaged: its schema version is missing",
                   {"the store was changed outside chatctl; restore a backup"});
    const std::string text = v.text(0, 0);
    int64_t version = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (error != std::errc() || end != text.data() + text.size())
        store_fail(conn_.shown() + " is damaged: its schema version is not a whole number",
                   {"the store was changed outside chatctl; restore a backup"});
    return version;
}

void PgStore::check_version(int64_t version) {
    const int current = schema::current_version();
    if (version < 0)
        store_fail(conn_.shown() + " has an invalid schema version (" + std::to_string(version) +
                       "): it was changed outside chatctl",
                   {"restore a backup; the store was left untouched"});
    if (version > current)
        store_fail(conn_.shown() + " has schema version " + std::to_string(version) +
                       ", newer than this chatctl knows (" + std::to_string(current) + ")",
                   {"use a newer chatctl with this store; it was left untouched"});
    version_ = version;
    // The relations of the versions up to this one must be there, none of a later one.
    std::string names;
    for (int v = 0; v < current; ++v)
        for (const char* name : schema::relations(static_cast<size_t>(v)))
            names += (names.empty() ? "{" : ",") + std::string(name);
    Result found = conn_.query(
        "SELECT n FROM unnest($1::text[]) n WHERE to_regclass(n) IS NOT NULL", {names + "}"});
    std::set<std::string> present;
    for (int row = 0; row < found.rows(); ++row)
        present.insert(found.text(row, 0));
    std::string missing, later;
    for (int v = 0; v < current; ++v)
        for (const char* name : schema::relations(static_cast<size_t>(v))) {
            if (v < version && !present.count(name))
                missing += (missing.empty() ? "" : ", ") + std::string(name);
            if (v >= version && present.count(name))
                later += (later.empty() ? "" : ", ") + std::string(name);
        }
    if (version == 0 && !later.empty())
        store_fail(conn_.shown() + " is not a chatctl store: it holds " + later +
                       ", but no chatctl_version (another application's tables?)",
                   {"give chatctl a database of its own, or a schema of its own through its "
                    "role's search_path"});
    if (!missing.empty())
        store_fail(conn_.shown() + " is damaged: " + missing + " is missing",
                   {"the store was changed outside chatctl; restore a backup"});
    if (!later.empty())
        store_fail(conn_.shown() + " is damaged: it holds " + later +
                       " of a schema newer than its version (" + std::to_string(version) + ")",
                   {"the store was changed outside chatctl; restore a backup"});
}

void PgStore::prepare_migration(int64_t version) {
    check_version(version);
    if (version == schema::current_version()) return;
    check_may_migrate(version);
    // In the write's own transaction: a write that fails leaves no schema behind.
    migrate_pending_ = true;
}

void PgStore::check_may_migrate(int64_t version) {
    Result may = conn_.query("SELECT current_schema() IS NOT NULL AND "
                             "has_schema_privilege(current_schema(), 'CREATE')");
    if (may.boolean(0, 0)) return;
    if (version == 0)
        store_fail("no store at " + conn_.shown() + ", and role " + conn_.user() +
                       " may not create one",
                   {"have the database's owner create it: `chatctl store init --grant " +
                    conn_.user() + "`"});
    store_fail(conn_.shown() + " has schema version " + std::to_string(version) +
                   ", older than this chatctl's, and role " + conn_.user() + " may not upgrade it",
               {"have the schema's owner upgrade it: `chatctl store upgrade`"});
}

void PgStore::migrate() {
    const int64_t version = this->version(); // again, under the lock: another may have done it
    check_version(version);
    if (version > 0 && version < schema::kNoControlsVersion) refuse_controls();
    creating_ = version == 0;
    if (version < schema::current_version()) migrated_from_ = static_cast<int>(version);
    const std::string name = conn_.query("SELECT quote_ident(current_schema())").text(0, 0);
    for (int64_t v = version; v < schema::current_version(); ++v) {
        std::string sql = schema::migrations()[static_cast<size_t>(v)];
        const std::string placeholder = schema::kSchemaName;
        for (size_t at = sql.find(placeholder); at != std::string::npos;
             at = sql.find(placeholder, at + name.size()))
            sql.replace(at, placeholder.size(), name);
        conn_.run(sql);
    }
    if (version < schema::current_version())
        conn_.query("INSERT INTO chatctl_version (version) VALUES ($1) "
                    "ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version",
                    {std::to_string(schema::current_version())});
}

// A store about to be upgraded to a version that refuses control characters in texts
// must hold none: its data is never changed silently.
void PgStore::refuse_controls() {
    static const std::string sql = store_controls::find_sql(
        schema::holds_control, static_cast<int>(store_controls::kShown) + 1);
    Result r = conn_.query(sql);
    std::vector<std::pair<std::string, std::string>> found;
    found.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        found.emplace_back(r.text(i, 0), r.text(i, 1));
    if (!found.empty())
        store_controls::refuse_upgrade(conn_.shown(), found, schema::current_version());
}

InitReport PgStore::init(const StoreOptions& options, const std::optional<std::string>& grant_to,
                         bool create) {
    PgStore store(options);
    const int64_t version = store.version();
    if (!create && version == 0)
        store_fail("no store at " + store.conn_.shown() + " to upgrade",
                   {"create it with `chatctl store init`"});
    store.prepare_migration(version);
    store.begin_write(Writer{"", create ? "store init" : "store upgrade"});
    if (grant_to) {
        std::string grants = schema::kGrants;
        const std::string role = store.conn_.escape_identifier(*grant_to);
        for (size_t at = grants.find("%s"); at != std::string::npos; at = grants.find("%s", at))
            grants.replace(at, 2, role);
        store.conn_.run(grants);
    }
    store.commit();
    const int current = schema::current_version();
    return InitReport{current, store.migrated_from_ < 0 ? current : store.migrated_from_, grant_to};
}

void PgStore::begin_write(const Writer& writer) {
    // READ COMMITTED whatever the database's default: each statement, run once the write
    // lock is held, sees the writes committed before it (the triggers that keep
    // history's ids apart need it).
    begin("BEGIN ISOLATION LEVEL READ COMMITTED");
    in_transaction_ = true;
    added_users_ = 0;
    // Named for any writer that gives up waiting while this one holds the lock; for this
    // transaction only, so that no other client of a pooled connection inherits it.
    conn_.query("SELECT set_config('application_name', $1, true)",
                {writer_application_name(writer)});
    if (lock_timeout_seconds_ == 0) {
        if (!conn_.query(kTryLock).boolean(0, 0)) fail_locked_now();
    } else {
        try {
            conn_.query(kLock);
        } catch (const Error&) {
            if (conn_.last_state() != "55P03") throw; // lock_timeout
            fail_locked_now();
        }
    }
    if (migrate_pending_) migrate();
}

void PgStore::fail_locked_now() {
    rollback();
    std::optional<WriteLockHolder> holder;
    try {
        holder = lock_holder(conn_);
    } catch (const Error&) { // who it is is a courtesy: the lock error is what counts
    }
    fail_locked(conn_.shown(), holder);
}

bool PgStore::write_locked_elsewhere() {
    // Outside a transaction, the lock taken here is let go at once.
    return !conn_.query(kTryLock).boolean(0, 0);
}

// Until autovacuum gets to a table (a minute or more after the commit), the planner has
// no statistics of what a transaction added: a tenant of 100,000 new users is taken for a
// few hundred, and each page of them in login order (an export, a plan) is found by
// sorting all that are left. Just after a large apply, those reads were 5-10x slower at
// 100,000 users, and worse as they grow. So users, when a write grows it by more than a
// tenth, is analyzed in that write's transaction (ANALYZE counts the rows its own
// transaction added), from a sample of 3,000 rows (default_statistics_target 10: some
// 10 ms at 100,000 rows, where the default's 30,000 cost 100-200 ms): the planner needs
// how many users each tenant has, not a fine histogram; autovacuum, which counts the
// transaction's rows as changed since, analyzes again at the server's own target later.
// History needs none: a large write adds a few packed rows (version 7), not one per user.
//
// It is a courtesy, never a reason to lose the write:
// - only the table's owner (a superuser, the database's owner) may; another role gets a
//   WARNING, which is not chatctl's output, and waits for autovacuum;
// - SKIP_LOCKED (PostgreSQL 12): users, when another session is vacuuming or analyzing
//   it, is left to it, rather than waited for up to the lock_timeout; an older server is
//   not asked;
// - any other failure (a statement_timeout, an expression statistics cannot compute) is
//   rolled back to before it, and the write commits as it would have. ANALYZE writes its
//   counts in pg_class in place, so they stay though rolled back, until the next one.
void PgStore::analyze_grown() {
    constexpr int64_t kFewRows = 1000;
    if (conn_.server_version_num() < 120000 || added_users_ < kFewRows) return;
    conn_.run("SAVEPOINT chatctl_analyze");
    try {
        conn_.run("SET LOCAL default_statistics_target = 10");
        const int64_t known =
            conn_
                .query("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = "
                       "'users'::regclass")
                .integer(0, 0);
        if (added_users_ * 10 > known) conn_.run("ANALYZE (SKIP_LOCKED) users");
        conn_.run("RELEASE SAVEPOINT chatctl_analyze");
    } catch (const Error&) {
        if (!conn_.transaction_open()) throw; // the session is gone, and the write with it
        conn_.run("ROLLBACK TO SAVEPOINT chatctl_analyze");
    }
}

void PgStore::commit() {
    conn_.settle(); // a write refused is not a reason to analyze
    if (in_transaction_) analyze_grown();
    in_transaction_ = false;
    conn_.commit();
    if (migrate_pending_) version_ = schema::current_version();
    migrate_pending_ = false;
    if (creating_ && on_created_) on_created_(conn_.shown()); // named without its password
    creating_ = false;
}

void PgStore::rollback() {
    if (!in_transaction_) return;
    in_transaction_ = false;
    users_in_flight_.clear();
    conn_.forget_in_flight(); // refused or not, it is rolled back
    conn_.run("ROLLBACK");
}

} // namespace chatctl::postgres
