// The Store: where it lives, opening it (permissions, versions, upgrades); its
// transactions and SQLite failures are in sqlite_transactions.cpp.
#include "core/store/sqlite/sqlite_store.hpp"

#include "core/error.hpp"
#include "core/store/controls.hpp"
#include "core/store/sqlite/schema.hpp"

#include <SQLiteCpp/Exception.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace chatctl::sqlite {

namespace {

const char* const kCreateHint = "create a store with a write command, e.g. `chatctl tenant create "
                                "TENANT`, or point to one with --db or CHATCTL_DB";

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

// mkdir -p of the store's folder, each folder it creates 0700 whatever the umask; returns
// those it created.
std::vector<std::string> make_folders(const std::string& path) {
    std::vector<std::string> made;
    for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
        std::string folder = path.substr(0, pos);
        if (::mkdir(folder.c_str(), 0700) == 0) {
            ::chmod(folder.c_str(), 0700);
            made.push_back(folder);
        } else if (errno != EEXIST) {
            for (auto it = made.rbegin(); it != made.rend(); ++it)
                ::rmdir(it->c_str());
            store_fail("cannot create folder " + folder + ": " + std::strerror(errno));
        }
    }
    return made;
}

std::string folder_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// The folder's lock, which makes first writers of one path wait for each other as writers
// of a store do (--lock-timeout): a file descriptor holding flock, or a store error.
int lock_folder(const std::string& folder, const std::string& path, int lock_timeout_seconds) {
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) store_fail("cannot create the store " + path + ": " + std::strerror(errno));
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(lock_timeout_seconds);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) break; // a folder without flock: no wait
        if (std::chrono::steady_clock::now() >= deadline) {
            ::close(fd);
            fail_locked(path, read_writer_record(path)); // another first writer
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return fd;
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
    auto new_store = std::make_unique<NewStore>();
    if (!exists(options.path)) {
        new_store->path = options.path;
        const std::string folder = folder_of(options.path);
        if (!exists(folder)) {
            if (!options.make_folders)
                store_fail("cannot create the store " + options.path + ": the folder " + folder +
                               " does not exist",
                           {"create the folder first, or check the path given with --db or "
                            "CHATCTL_DB; chatctl makes folders only for its default store"});
            new_store->folders = make_folders(options.path);
        }
        new_store->folder_lock = lock_folder(folder, options.path, options.lock_timeout_seconds);
    }
    if (new_store->folder_lock < 0 || exists(options.path)) { // another first writer may have won
        new_store.reset();
    } else {
        // No one else builds one now: a temporary file left is a killed writer's.
        const std::string name = options.path.substr(options.path.rfind('/') + 1);
        new_store->temporary = folder_of(options.path) + "/." + name + ".chatctl-new";
        for (const char* suffix : {"", "-journal"})
            ::unlink((new_store->temporary + suffix).c_str());
        int fd = ::open(new_store->temporary.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            store_fail("cannot create the store " + options.path + ": " + std::strerror(errno));
        ::fchmod(fd, 0600);
        ::close(fd);
    }
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

int SqliteStore::init(const StoreOptions& options, const std::optional<std::string>& grant_to,
                      bool create) {
    if (grant_to)
        fail(ErrorKind::invalid_input, "--grant is for a PostgreSQL store",
             {"a SQLite store's users are those its file mode (0600) lets in"});
    if (!create && !exists(options.path))
        store_fail("no store at " + options.path + " to upgrade",
                   {"create it with `chatctl store init`"});
    open_write(options)->put_in_place();
    return schema::current_version();
}

void SqliteStore::put_in_place() {
    if (!new_ || new_->placed) return;
    // The file is whole on disk (synchronous=FULL, a rollback journal while it is built).
    // Moved without replacing a file another program made meanwhile; where the file
    // system cannot say so in one step, linked, then its temporary name removed.
    int moved =
        ::renameat2(AT_FDCWD, new_->temporary.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE);
    if (moved != 0 && errno == EINVAL) {
        moved = ::link(new_->temporary.c_str(), path_.c_str());
        if (moved == 0) ::unlink(new_->temporary.c_str());
    }
    if (moved != 0) {
        const int why = errno;
        store_fail("cannot create the store " + path_ + ": " + std::strerror(why) +
                       "; nothing was written",
                   {why == EEXIST ? "a program other than chatctl created the file meanwhile; "
                                    "run the command again"
                                  : "check the folder's permissions and free space"});
    }
    new_->placed = true;
    ::fsync(new_->folder_lock);
    // From now on, the store at its place, in WAL mode as every store.
    statements_.clear();
    db_ = SQLite::Database(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX, lock_timeout_ms_);
    db_.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA journal_mode = WAL");
    if (on_created_) on_created_(path_);
}

SqliteStore::NewStore::~NewStore() {
    if (!placed && !temporary.empty()) {
        for (const char* suffix : {"", "-journal"})
            ::unlink((temporary + suffix).c_str());
        for (auto it = folders.rbegin(); it != folders.rend(); ++it)
            ::rmdir(it->c_str()); // only when empty
    }
    if (folder_lock >= 0) ::close(folder_lock);
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
    version_ = version;
    if (version == current || !may_upgrade) {
        if (version == 0)
            store_fail(path_ + " is not a chatctl store (it is empty)", {kCreateHint});
        return;
    }
    // The upgrade is one transaction: an interrupted one leaves the older store whole. A
    // dry run's is the first part of its write transaction, rolled back with it.
    begin_immediate();
    try {
        version = db_.execAndGet("PRAGMA user_version").getInt(); // another writer may have won
        if (version > 0 && version < schema::kNoControlsVersion) refuse_controls(current);
        for (int v = version; v < current; ++v)
            db_.exec(schema::migrations()[v]);
        db_.exec("PRAGMA user_version = " + std::to_string(current));
        if (!dry_run_) db_.exec("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
    version_ = current;
    if (dry_run_) {
        upgrade_open_ = true;
        return;
    }
    // A new store keeps a rollback journal until it is in place: a WAL is named by the file.
    if (path_ != ":memory:" && !new_ && db_.execAndGet("PRAGMA journal_mode").getString() != "wal")
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

} // namespace chatctl::sqlite
