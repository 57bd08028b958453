// The Store: where it lives, opening it (permissions, versions, upgrades), and SQLite
// failures turned into chatctl errors.
#include "core/store/sqlite/sqlite_store.hpp"

#include "core/error.hpp"
#include "core/store/controls.hpp"
#include "core/store/sqlite/schema.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chatctl::sqlite {

namespace {

const char* const kCreateHint = "create a store with a write command, e.g. `chatctl tenant create "
                                "TENANT`, or point to one with --db or CHATCTL_DB";

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

[[noreturn]] void store_fail(const std::string& message, std::vector<std::string> hints = {}) {
    fail(ErrorKind::store, message, std::move(hints));
}

// A store is a regular file (or a link to one): a device such as /dev/null would take
// writes and leave a journal beside it.
void require_regular(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        store_fail(path + " is not a regular file", {"give the path of a store file with --db"});
}

// mkdir -p, each folder it creates 0700 whatever the umask; returns those it created.
std::vector<std::string> make_folders(const std::string& path) {
    std::vector<std::string> made;
    for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
        std::string folder = path.substr(0, pos);
        if (::mkdir(folder.c_str(), 0700) == 0) {
            ::chmod(folder.c_str(), 0700);
            made.push_back(folder);
        } else if (errno != EEXIST) {
            store_fail("cannot create folder " + folder + ": " + std::strerror(errno));
        }
    }
    return made;
}

// Creates the file (and its folders) when missing; returns what it created.
SqliteStore::Created create_file(const std::string& path) {
    require_regular(path);
    SqliteStore::Created created;
    created.folders = make_folders(path);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return created;
        created.discard = true; // the folders, at least
        store_fail("cannot create the store " + path + ": " + std::strerror(errno));
    }
    ::fchmod(fd, 0600);
    ::close(fd);
    created.file = path;
    return created;
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
    Created created = create_file(options.path);
    std::unique_ptr<SqliteStore> store(
        new SqliteStore(options.path, SQLite::OPEN_READWRITE, options.lock_timeout_seconds));
    std::swap(store->created_, created);
    store->db_.exec("PRAGMA synchronous = FULL; PRAGMA cache_size = -32768");
    try {
        store->check_version(true);
    } catch (...) {
        store->discard_if_new();
        throw;
    }
    return store;
}

int SqliteStore::init(const StoreOptions& options, const std::optional<std::string>& grant_to,
                      bool create) {
    if (grant_to)
        fail(ErrorKind::invalid_input, "--grant is for a PostgreSQL store",
             {"a SQLite store's users are those its file mode (0600) lets in"});
    if (!create && !exists(options.path))
        store_fail("no store at " + options.path + " to upgrade",
                   {"create it with `chatctl store init`"});
    open_write(options);
    return schema::current_version();
}

void SqliteStore::discard_if_new() {
    if (created_.folders.empty() && created_.file.empty()) return;
    try {
        if (!created_.file.empty() &&
            db_.execAndGet("SELECT (SELECT count(*) FROM tenants) + (SELECT count(*) FROM history)")
                    .getInt64() != 0)
            return;                      // another command wrote to it meanwhile: it is theirs now
    } catch (const SQLite::Exception&) { // no schema yet: nothing in it
    }
    created_.discard = true;
}

void SqliteStore::begin_write() {
    db_.exec("BEGIN IMMEDIATE");
}

bool SqliteStore::write_locked_elsewhere() {
    db_.setBusyTimeout(0);
    try {
        db_.exec("BEGIN IMMEDIATE; ROLLBACK");
    } catch (const SQLite::Exception& e) {
        db_.setBusyTimeout(lock_timeout_ms_);
        if (e.getErrorCode() == SQLITE_BUSY) return true;
        throw;
    }
    db_.setBusyTimeout(lock_timeout_ms_);
    return false;
}

void SqliteStore::commit() {
    db_.exec("COMMIT");
}

void SqliteStore::rollback() {
    if (!sqlite3_get_autocommit(db_.getHandle())) db_.exec("ROLLBACK");
}

SqliteStore::Created::~Created() {
    if (!discard) return;
    if (!file.empty())
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            ::unlink((file + suffix).c_str());
    for (auto it = folders.rbegin(); it != folders.rend(); ++it)
        ::rmdir(it->c_str()); // only when empty
}

std::unique_ptr<SqliteStore> SqliteStore::in_memory() {
    std::unique_ptr<SqliteStore> store(
        new SqliteStore(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0));
    store->check_version(true);
    return store;
}

void SqliteStore::check_version(bool may_upgrade) {
    int version = db_.execAndGet("PRAGMA user_version").getInt();
    const int current = schema::current_version();
    if (version < 0)
        store_fail(path_ + " has an invalid schema version (" + std::to_string(version) +
                       "): it was changed outside chatctl",
                   {"restore a backup; the store was left untouched"});
    if (version > current)
        store_fail(path_ + " has schema version " + std::to_string(version) +
                       ", newer than this chatctl knows (" + std::to_string(current) + ")",
                   {"use a newer chatctl with this store; it was left untouched"});
    bool foreign =
        version == 0 && db_.execAndGet("SELECT count(*) FROM sqlite_schema").getInt() > 0;
    if (foreign) store_fail(path_ + " is an SQLite file, but not a chatctl store");
    if (version > 0) check_objects(version);
    if (version == current || !may_upgrade) {
        if (version == 0)
            store_fail(path_ + " is not a chatctl store (it is empty)", {kCreateHint});
        return;
    }
    // The upgrade is one transaction: an interrupted one leaves the older store whole.
    SQLite::Transaction upgrade(db_, SQLite::TransactionBehavior::IMMEDIATE);
    version = db_.execAndGet("PRAGMA user_version").getInt(); // another writer may have won
    if (version > 0 && version < schema::kNoControlsVersion) refuse_controls(current);
    for (int v = version; v < current; ++v)
        db_.exec(schema::migrations()[v]);
    db_.exec("PRAGMA user_version = " + std::to_string(current));
    upgrade.commit();
    if (path_ != ":memory:" && db_.execAndGet("PRAGMA journal_mode").getString() != "wal")
        db_.exec("PRAGMA journal_mode = WAL");
}

// A store about to be upgraded to a version that refuses control characters in texts
// must hold none: its data is never changed silently.
void SqliteStore::refuse_controls(int version) {
    SQLite::Statement found(db_,
                            store_controls::find_sql(schema::holds_control,
                                                     static_cast<int>(store_controls::kShown) + 1));
    std::vector<std::pair<std::string, std::string>> values;
    while (found.executeStep())
        values.emplace_back(found.getColumn(0).getString(), found.getColumn(1).getString());
    if (!values.empty()) store_controls::refuse_upgrade(path_, values, version);
}

// The tables the first `version` migrations create must be there, and nothing a later
// version creates may be: else the store was damaged outside chatctl (a dropped table, a
// version set back by hand). A dropped trigger or index is not refused here: the code
// checks every rule itself, and reports a broken rule where it finds one.
void SqliteStore::check_objects(int version) {
    std::set<std::string> present;
    SQLite::Statement names(db_, "SELECT name FROM sqlite_schema");
    while (names.executeStep())
        present.insert(names.getColumn(0).getString());
    std::string missing, later;
    for (int v = 0; v < schema::current_version(); ++v)
        for (const auto& o : schema::objects(v)) {
            if (v < version && o.table && !present.count(o.name))
                missing += (missing.empty() ? "" : ", ") + o.name;
            if (v >= version && present.count(o.name))
                later += (later.empty() ? "" : ", ") + o.name;
        }
    if (!missing.empty())
        store_fail(path_ + " is damaged: table " + missing + " is missing",
                   {"the store was changed outside chatctl; restore a backup"});
    if (!later.empty())
        store_fail(path_ + " is damaged: it holds " + later +
                       " of a schema newer than its version (" + std::to_string(version) + ")",
                   {"the store was changed outside chatctl; restore a backup"});
}

SQLite::Statement& SqliteStore::statement(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
    return *slot;
}

void rethrow_sqlite_error(const std::string& path) {
    try {
        throw;
    } catch (const SQLite::Exception& e) {
        const std::string where = path.empty() ? std::string("the store") : path;
        switch (e.getErrorCode()) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            store_fail(where + " is locked by another writer",
                       {"retry later, or wait longer with --lock-timeout SECONDS"});
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            store_fail(where + " is corrupt or not a chatctl store (" + e.what() + ")");
        case SQLITE_READONLY:
        case SQLITE_PERM:
            store_fail(where + " cannot be written (" + std::string(e.what()) + ")");
        case SQLITE_CANTOPEN:
            store_fail("cannot open " + where + " (" + e.what() + ")");
        case SQLITE_FULL:
        case SQLITE_IOERR:
            store_fail("cannot write " + where + " (" + e.what() + ")");
        case SQLITE_CONSTRAINT:
            fail(ErrorKind::conflict, std::string("the store refused the change: ") + e.what());
        case SQLITE_ERROR: // our statements fit our schema: the schema was changed
            store_fail(where + " does not have the schema chatctl expects (" + e.what() + ")",
                       {"the store was changed outside chatctl; restore a backup"});
        default:
            fail(ErrorKind::internal, std::string("SQLite: ") + e.what());
        }
    } catch (...) { // not SQLite's
    }
}

} // namespace chatctl::sqlite
