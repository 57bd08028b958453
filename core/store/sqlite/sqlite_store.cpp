// The Store: where it lives and opening it, for reading, writing or a dry run. A new
// store's making is in sqlite_new_store.cpp, versions and upgrades in sqlite_upgrade.cpp,
// transactions and SQLite failures in sqlite_transactions.cpp.
#include "core/store/sqlite/sqlite_store.hpp"

#include "core/error.hpp"
#include "core/store/sqlite/schema.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>
#include <sys/stat.h>

namespace chatctl::sqlite {

namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// A store is a regular file (or a link to one): a device such as /dev/null would take
// writes and leave a journal beside it.
void require_regular(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        store_fail(path + " is not a regular file", {"give the path of a store file with --db"});
}

std::string uri_path(const std::string& path) {
    std::string uri = "file:";
    for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            static const char* hex = "0123456789ABCDEF";
            uri += '%';
            uri += hex[(c >> 4) & 0xf];
            uri += hex[c & 0xf];
        } else {
            uri += c;
        }
    }
    return uri;
}

off_t file_size(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

} // namespace

// A connection is used by one thread at a time (apply's writing thread, then the main
// one, never both): SQLite's lock around every call is not needed.
SqliteStore::SqliteStore(const std::string& path, int flags, int lock_timeout_seconds)
    : path_(path), db_(path, flags | SQLite::OPEN_NOMUTEX, lock_timeout_seconds * 1000),
      lock_timeout_ms_(lock_timeout_seconds * 1000) {
    db_.exec("PRAGMA foreign_keys = ON");
}

std::unique_ptr<SqliteStore> SqliteStore::open(const StoreOptions& options, OpenMode mode) {
    if (mode == OpenMode::write) return open_write(options);
    if (mode == OpenMode::dry_run) return open_dry_run(options);
    auto store = open_read_if_exists(options);
    if (!store && mode == OpenMode::read) store_fail("no store at " + options.path, {kCreateHint});
    return store;
}

std::unique_ptr<SqliteStore> SqliteStore::open_read_if_exists(const StoreOptions& options) {
    if (!exists(options.path)) return nullptr;
    require_regular(options.path);
    std::unique_ptr<SqliteStore> store;
    try {
        // Read-write but query-only: a read-only connection cannot remove the -wal and
        // -shm files it makes, and would leave them behind in the store's folder. This
        // one, when it is the last, removes them on closing, as it found the folder.
        store.reset(
            new SqliteStore(options.path, SQLite::OPEN_READWRITE, options.lock_timeout_seconds));
        store->db_.exec("PRAGMA query_only = 1");
        // One read transaction for the whole command: every query sees one committed state.
        store->db_.exec("BEGIN");
        store->check_version(false);
        return store;
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() != SQLITE_READONLY && e.getErrorCode() != SQLITE_CANTOPEN) throw;
        store.reset();
    }
    // A user who may read the store but not write its folder cannot make the -shm file a
    // WAL store needs. The file alone is the committed state only when no write-ahead log
    // holds commits not yet copied into it.
    if (file_size(options.path + "-wal") > 0)
        store_fail(options.path + " cannot be read safely by this user",
                   {"its write-ahead log holds commits, and this user may not create the "
                    "store's -shm file; read it as a user who may write its folder"});
    store.reset(new SqliteStore(uri_path(options.path) + "?immutable=1",
                                SQLite::OPEN_READONLY | SQLite::OPEN_URI,
                                options.lock_timeout_seconds));
    store->path_ = options.path;
    store->db_.exec("BEGIN");
    store->check_version(false);
    return store;
}

std::unique_ptr<SqliteStore> SqliteStore::open_write(const StoreOptions& options) {
    require_regular(options.path);
    std::unique_ptr<NewStore> new_store = NewStore::make(options);
    const std::string& file = new_store ? new_store->temporary : options.path;
    std::unique_ptr<SqliteStore> store(
        new SqliteStore(file, SQLite::OPEN_READWRITE, options.lock_timeout_seconds));
    store->path_ = options.path;
    store->new_ = std::move(new_store);
    store->on_created_ = options.on_created;
    store->db_.exec("PRAGMA synchronous = FULL; PRAGMA cache_size = -32768");
    store->check_version(true);
    return store;
}

std::unique_ptr<SqliteStore> SqliteStore::open_dry_run(const StoreOptions& options) {
    if (!exists(options.path)) return nullptr; // planned as empty, never created
    require_regular(options.path);
    std::unique_ptr<SqliteStore> store(
        new SqliteStore(options.path, SQLite::OPEN_READWRITE, options.lock_timeout_seconds));
    store->dry_run_ = true;
    store->check_version(true);
    return store;
}

InitReport SqliteStore::init(const StoreOptions& options,
                             const std::optional<std::string>& grant_to, bool create) {
    if (grant_to)
        fail(ErrorKind::invalid_input, "--grant is for a PostgreSQL store",
             {"a SQLite store's users are those its file mode (0600) lets in"});
    if (!create && !exists(options.path))
        store_fail("no store at " + options.path + " to upgrade",
                   {"create it with `chatctl store init`"});
    auto store = open_write(options);
    store->put_in_place();
    const int current = schema::current_version();
    return InitReport{current, store->upgraded_from_ < 0 ? current : store->upgraded_from_, {}};
}

std::unique_ptr<SqliteStore> SqliteStore::in_memory() {
    std::unique_ptr<SqliteStore> store(
        new SqliteStore(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0));
    store->check_version(true);
    return store;
}

SQLite::Statement& SqliteStore::statement(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
    return *slot;
}

} // namespace chatctl::sqlite
