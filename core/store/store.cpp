#include "core/store/store.hpp"

#include "core/error.hpp"
#include "core/store/schema.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chatctl {

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

// mkdir -p, each folder it creates 0700 whatever the umask.
void make_folders(const std::string& path) {
    for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
        std::string folder = path.substr(0, pos);
        if (::mkdir(folder.c_str(), 0700) == 0)
            ::chmod(folder.c_str(), 0700);
        else if (errno != EEXIST)
            store_fail("cannot create folder " + folder + ": " + std::strerror(errno));
    }
}

void create_file(const std::string& path) {
    make_folders(path);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return;
        store_fail("cannot create the store " + path + ": " + std::strerror(errno));
    }
    ::fchmod(fd, 0600);
    ::close(fd);
}

std::optional<std::string> optional_text(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getString();
}

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::string>& value) {
    if (value)
        st.bind(index, *value);
    else
        st.bind(index);
}

Json parse_json(const SQLite::Column& column) {
    return column.isNull() ? Json(nullptr) : Json::parse(column.getString());
}

// A statement from the cache, reset and cleared for new bindings.
struct Reset {
    SQLite::Statement& st;
    explicit Reset(SQLite::Statement& s) : st(s) {
        st.reset();
        st.clearBindings();
    }
    ~Reset() {
        try {
            st.reset();
        } catch (...) { // a reset only repeats an error already thrown
        }
    }
};

} // namespace

std::string resolve_store_path(const std::optional<std::string>& flag) {
    if (flag && !flag->empty()) return *flag;
    if (const char* env = std::getenv("CHATCTL_DB"); env && *env) return env;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::string(xdg) + "/chatctl/chatctl.db";
    const char* home = std::getenv("HOME");
    if (!home || !*home)
        fail(ErrorKind::store, "cannot find the store: HOME is not set",
             {"give a path with --db PATH or CHATCTL_DB"});
    return std::string(home) + "/.local/share/chatctl/chatctl.db";
}

Store::Store(const std::string& path, int flags, int lock_timeout_seconds)
    : path_(path), db_(path, flags, lock_timeout_seconds * 1000) {
    db_.exec("PRAGMA foreign_keys = ON");
}

std::unique_ptr<Store> Store::open_read(const StoreOptions& options) {
    auto store = open_read_if_exists(options);
    if (!store) store_fail("no store at " + options.path, {kCreateHint});
    return store;
}

std::unique_ptr<Store> Store::open_read_if_exists(const StoreOptions& options) {
    if (!exists(options.path)) return nullptr;
    try {
        std::unique_ptr<Store> store(
            new Store(options.path, SQLite::OPEN_READONLY, options.lock_timeout_seconds));
        store->check_version(false);
        return store;
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() != SQLITE_READONLY && e.getErrorCode() != SQLITE_CANTOPEN) throw;
    }
    // A WAL store needs its -shm file written even to be read. A user who may read the
    // store but not write its folder still can, with the file taken as it is.
    std::string uri = "file:";
    for (char c : options.path) {
        if (c == '%' || c == '?' || c == '#') {
            static const char* hex = "0123456789ABCDEF";
            uri += '%';
            uri += hex[(c >> 4) & 0xf];
            uri += hex[c & 0xf];
        } else {
            uri += c;
        }
    }
    std::unique_ptr<Store> store(new Store(uri + "?immutable=1",
                                           SQLite::OPEN_READONLY | SQLite::OPEN_URI,
                                           options.lock_timeout_seconds));
    store->path_ = options.path;
    store->check_version(false);
    return store;
}

std::unique_ptr<Store> Store::open_write(const StoreOptions& options) {
    create_file(options.path);
    std::unique_ptr<Store> store(
        new Store(options.path, SQLite::OPEN_READWRITE, options.lock_timeout_seconds));
    store->db_.exec("PRAGMA synchronous = FULL");
    store->check_version(true);
    return store;
}

std::unique_ptr<Store> Store::in_memory() {
    std::unique_ptr<Store> store(
        new Store(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0));
    store->check_version(true);
    return store;
}

void Store::check_version(bool may_upgrade) {
    int version = db_.execAndGet("PRAGMA user_version").getInt();
    const int current = schema::current_version();
    if (version > current)
        store_fail(path_ + " has schema version " + std::to_string(version) +
                       ", newer than this chatctl knows (" + std::to_string(current) + ")",
                   {"use a newer chatctl with this store; it was left untouched"});
    bool foreign =
        version == 0 && db_.execAndGet("SELECT count(*) FROM sqlite_schema").getInt() > 0;
    if (foreign) store_fail(path_ + " is an SQLite file, but not a chatctl store");
    if (version == current || !may_upgrade) {
        if (version == 0)
            store_fail(path_ + " is not a chatctl store (it is empty)", {kCreateHint});
        return;
    }
    // The upgrade is one transaction: an interrupted one leaves the older store whole.
    SQLite::Transaction upgrade(db_, SQLite::TransactionBehavior::IMMEDIATE);
    version = db_.execAndGet("PRAGMA user_version").getInt(); // another writer may have won
    for (int v = version; v < current; ++v)
        db_.exec(schema::migrations()[v]);
    db_.exec("PRAGMA user_version = " + std::to_string(current));
    upgrade.commit();
    if (path_ != ":memory:" && db_.execAndGet("PRAGMA journal_mode").getString() != "wal")
        db_.exec("PRAGMA journal_mode = WAL");
}

SQLite::Statement& Store::statement(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
    return *slot;
}

std::optional<TenantRow> Store::find_tenant(std::string_view key) {
    Reset r(statement("SELECT id, default_profile_id, key, display_name FROM tenants "
                      "WHERE key = ?"));
    r.st.bind(1, std::string(key));
    if (!r.st.executeStep()) return std::nullopt;
    return TenantRow{r.st.getColumn(0).getInt64(), r.st.getColumn(1).getInt64(),
                     Tenant{r.st.getColumn(2).getString(), optional_text(r.st.getColumn(3))}};
}

namespace {

// Columns: id, name, is_default, max, wrap_up, description (then anything else).
ProfileRow read_profile(SQLite::Statement& st, const std::string& tenant) {
    return ProfileRow{st.getColumn(0).getInt64(),
                      Profile{tenant, st.getColumn(1).getString(), st.getColumn(2).getInt() != 0,
                              st.getColumn(3).getInt(), st.getColumn(4).getInt(),
                              optional_text(st.getColumn(5))}};
}

#define PROFILE_COLUMNS                                                                            \
    "p.id, p.name, p.id = t.default_profile_id, p.max_concurrent_chats, p.wrap_up_seconds, "       \
    "p.description"

} // namespace

std::optional<ProfileRow> Store::find_profile(const TenantRow& tenant, std::string_view name) {
    Reset r(statement("SELECT " PROFILE_COLUMNS " FROM profiles p JOIN tenants t "
                      "ON t.id = p.tenant_id WHERE p.tenant_id = ? AND p.name = ? COLLATE NOCASE"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    r.st.bind(2, std::string(name));
    if (!r.st.executeStep()) return std::nullopt;
    return read_profile(r.st, tenant.tenant.key);
}

std::optional<ProfileRow> Store::profile_by_id(int64_t id) {
    Reset r(statement("SELECT " PROFILE_COLUMNS ", t.key FROM profiles p JOIN tenants t "
                      "ON t.id = p.tenant_id WHERE p.id = ?"));
    r.st.bind(1, id);
    if (!r.st.executeStep()) return std::nullopt;
    return read_profile(r.st, r.st.getColumn(6).getString());
}

std::optional<UserRow> Store::find_user(const TenantRow& tenant, std::string_view login) {
    Reset r(statement("SELECT u.id, u.profile_id, u.login, u.name, u.email, p.name FROM users u "
                      "JOIN profiles p ON p.id = u.profile_id "
                      "WHERE u.tenant_id = ? AND u.login = ? COLLATE NOCASE"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    r.st.bind(2, std::string(login));
    if (!r.st.executeStep()) return std::nullopt;
    return UserRow{r.st.getColumn(0).getInt64(), r.st.getColumn(1).getInt64(),
                   User{tenant.tenant.key, r.st.getColumn(2).getString(),
                        optional_text(r.st.getColumn(3)), optional_text(r.st.getColumn(4)),
                        r.st.getColumn(5).getString()}};
}

int64_t Store::count_users(int64_t tenant_id, std::optional<int64_t> profile_id) {
    if (!profile_id) {
        Reset r(statement("SELECT count(*) FROM users WHERE tenant_id = ?"));
        r.st.bind(1, tenant_id);
        r.st.executeStep();
        return r.st.getColumn(0).getInt64();
    }
    Reset r(statement("SELECT count(*) FROM users WHERE tenant_id = ? AND profile_id = ?"));
    r.st.bind(1, tenant_id);
    r.st.bind(2, *profile_id);
    r.st.executeStep();
    return r.st.getColumn(0).getInt64();
}

std::vector<TenantInfo> Store::list_tenants(std::optional<std::string_view> key) {
    Reset r(statement("SELECT t.key, t.display_name, p.name, "
                      "(SELECT count(*) FROM profiles WHERE tenant_id = t.id), "
                      "(SELECT count(*) FROM users WHERE tenant_id = t.id) "
                      "FROM tenants t LEFT JOIN profiles p ON p.id = t.default_profile_id "
                      "WHERE ?1 IS NULL OR t.key = ?1 ORDER BY t.key"));
    if (key) r.st.bind(1, std::string(*key));
    std::vector<TenantInfo> out;
    while (r.st.executeStep())
        out.push_back(
            TenantInfo{Tenant{r.st.getColumn(0).getString(), optional_text(r.st.getColumn(1))},
                       r.st.getColumn(2).getString(), r.st.getColumn(3).getInt64(),
                       r.st.getColumn(4).getInt64()});
    return out;
}

std::vector<ProfileInfo> Store::list_profiles(const TenantRow& tenant,
                                              std::optional<std::string_view> name) {
    Reset r(statement("SELECT " PROFILE_COLUMNS ", (SELECT count(*) FROM users u "
                      "WHERE u.tenant_id = p.tenant_id AND u.profile_id = p.id) "
                      "FROM profiles p JOIN tenants t ON t.id = p.tenant_id "
                      "WHERE p.tenant_id = ?1 AND (?2 IS NULL OR p.name = ?2 COLLATE NOCASE) "
                      "ORDER BY p.name COLLATE NOCASE, p.name"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    if (name) r.st.bind(2, std::string(*name));
    std::vector<ProfileInfo> out;
    while (r.st.executeStep())
        out.push_back(ProfileInfo{read_profile(r.st, tenant.tenant.key).profile,
                                  r.st.getColumn(6).getInt64()});
    return out;
}

std::vector<UserRow> Store::list_users(const TenantRow& tenant, std::optional<int64_t> profile_id) {
    Reset r(statement("SELECT u.id, u.profile_id, u.login, u.name, u.email, p.name FROM users u "
                      "JOIN profiles p ON p.id = u.profile_id "
                      "WHERE u.tenant_id = ?1 AND (?2 IS NULL OR u.profile_id = ?2) "
                      "ORDER BY u.login COLLATE NOCASE, u.login"));
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    if (profile_id) r.st.bind(2, *profile_id);
    std::vector<UserRow> out;
    while (r.st.executeStep())
        out.push_back(UserRow{
            r.st.getColumn(0).getInt64(), r.st.getColumn(1).getInt64(),
            User{tenant.tenant.key, r.st.getColumn(2).getString(), optional_text(r.st.getColumn(3)),
                 optional_text(r.st.getColumn(4)), r.st.getColumn(5).getString()}});
    return out;
}

std::vector<HistoryEntry> Store::history(std::optional<std::string_view> tenant, int limit) {
    Reset r(statement("SELECT id, at, actor, command, tenant, kind, key, action, before, after "
                      "FROM history WHERE ?1 IS NULL OR tenant = ?1 ORDER BY id DESC LIMIT ?2"));
    if (tenant) r.st.bind(1, std::string(*tenant));
    r.st.bind(2, limit);
    std::vector<HistoryEntry> out;
    while (r.st.executeStep()) {
        auto col = [&](int i) { return r.st.getColumn(i).getString(); };
        out.push_back(HistoryEntry{r.st.getColumn(0).getInt64(), col(1), col(2), col(3),
                                   optional_text(r.st.getColumn(4)), col(5), col(6), col(7),
                                   parse_json(r.st.getColumn(8)), parse_json(r.st.getColumn(9))});
    }
    return out;
}

std::vector<std::string> Store::tenant_keys() {
    Reset r(statement("SELECT key FROM tenants ORDER BY key"));
    std::vector<std::string> out;
    while (r.st.executeStep())
        out.push_back(r.st.getColumn(0).getString());
    return out;
}

std::vector<std::string> Store::logins_starting(const TenantRow& tenant, std::string_view prefix,
                                                int limit) {
    Reset r(statement("SELECT login FROM users WHERE tenant_id = ? AND login LIKE ? ESCAPE '\\' "
                      "ORDER BY login COLLATE NOCASE, login LIMIT ?"));
    std::string pattern;
    for (char c : prefix) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    r.st.bind(1, static_cast<int64_t>(tenant.id));
    r.st.bind(2, pattern + "%");
    r.st.bind(3, limit);
    std::vector<std::string> out;
    while (r.st.executeStep())
        out.push_back(r.st.getColumn(0).getString());
    return out;
}

int64_t Store::insert_tenant(const Tenant& tenant) {
    // The default is set by the first default profile, before commit (deferred key).
    Reset r(statement("INSERT INTO tenants (key, display_name, default_profile_id) "
                      "VALUES (?, ?, 0)"));
    r.st.bind(1, tenant.key);
    bind_optional(r.st, 2, tenant.display_name);
    r.st.exec();
    return db_.getLastInsertRowid();
}

void Store::update_tenant(int64_t id, const Tenant& tenant) {
    Reset r(statement("UPDATE tenants SET display_name = ? WHERE id = ?"));
    bind_optional(r.st, 1, tenant.display_name);
    r.st.bind(2, id);
    r.st.exec();
}

void Store::delete_tenant(int64_t id) {
    Reset r(statement("DELETE FROM tenants WHERE id = ?"));
    r.st.bind(1, id);
    r.st.exec();
}

void Store::set_default_profile(int64_t tenant_id, int64_t profile_id) {
    Reset r(statement("UPDATE tenants SET default_profile_id = ? WHERE id = ?"));
    r.st.bind(1, profile_id);
    r.st.bind(2, tenant_id);
    r.st.exec();
}

int64_t Store::insert_profile(int64_t tenant_id, const Profile& p) {
    Reset r(statement("INSERT INTO profiles (tenant_id, name, max_concurrent_chats, "
                      "wrap_up_seconds, description) VALUES (?, ?, ?, ?, ?)"));
    r.st.bind(1, tenant_id);
    r.st.bind(2, p.name);
    r.st.bind(3, p.max_concurrent_chats);
    r.st.bind(4, p.wrap_up_seconds);
    bind_optional(r.st, 5, p.description);
    r.st.exec();
    return db_.getLastInsertRowid();
}

void Store::update_profile(int64_t id, const Profile& p) {
    Reset r(statement("UPDATE profiles SET name = ?, max_concurrent_chats = ?, "
                      "wrap_up_seconds = ?, description = ? WHERE id = ?"));
    r.st.bind(1, p.name);
    r.st.bind(2, p.max_concurrent_chats);
    r.st.bind(3, p.wrap_up_seconds);
    bind_optional(r.st, 4, p.description);
    r.st.bind(5, id);
    r.st.exec();
}

void Store::delete_profile(int64_t id) {
    Reset r(statement("DELETE FROM profiles WHERE id = ?"));
    r.st.bind(1, id);
    r.st.exec();
}

int64_t Store::insert_user(int64_t tenant_id, int64_t profile_id, const User& u) {
    Reset r(statement("INSERT INTO users (tenant_id, login, name, email, profile_id) "
                      "VALUES (?, ?, ?, ?, ?)"));
    r.st.bind(1, tenant_id);
    r.st.bind(2, u.login);
    bind_optional(r.st, 3, u.name);
    bind_optional(r.st, 4, u.email);
    r.st.bind(5, profile_id);
    r.st.exec();
    return db_.getLastInsertRowid();
}

void Store::update_user(int64_t id, int64_t profile_id, const User& u) {
    Reset r(statement("UPDATE users SET login = ?, name = ?, email = ?, profile_id = ? "
                      "WHERE id = ?"));
    r.st.bind(1, u.login);
    bind_optional(r.st, 2, u.name);
    bind_optional(r.st, 3, u.email);
    r.st.bind(4, profile_id);
    r.st.bind(5, id);
    r.st.exec();
}

void Store::delete_user(int64_t id) {
    Reset r(statement("DELETE FROM users WHERE id = ?"));
    r.st.bind(1, id);
    r.st.exec();
}

void Store::append_history(const HistoryEntry& e) {
    Reset r(statement("INSERT INTO history (at, actor, command, tenant, kind, key, action, "
                      "before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    r.st.bind(1, e.at);
    r.st.bind(2, e.actor);
    r.st.bind(3, e.command);
    bind_optional(r.st, 4, e.tenant);
    r.st.bind(5, e.kind);
    r.st.bind(6, e.key);
    r.st.bind(7, e.action);
    bind_optional(r.st, 8, e.before.is_null() ? std::nullopt : std::optional(e.before.dump()));
    bind_optional(r.st, 9, e.after.is_null() ? std::nullopt : std::optional(e.after.dump()));
    r.st.exec();
}

[[noreturn]] void rethrow_as_error(const std::string& path) {
    try {
        throw;
    } catch (const Error&) {
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
        default:
            fail(ErrorKind::internal, std::string("SQLite: ") + e.what());
        }
    } catch (const std::bad_alloc&) {
        fail(ErrorKind::internal, "out of memory");
    } catch (const std::exception& e) {
        fail(ErrorKind::internal, e.what());
    }
}

} // namespace chatctl
