// The SQLite store's write transactions (the write lock, the record naming its holder)
// and SQLite's failures turned into chatctl errors.
#include "core/error.hpp"
#include "core/store/sqlite/sqlite_store.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

namespace chatctl::sqlite {

void SqliteStore::begin_immediate() {
    try {
        db_.exec("BEGIN IMMEDIATE");
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() != SQLITE_BUSY) throw;
        fail_locked(path_, read_writer_record(path_));
    }
}

void SqliteStore::begin_write(const Writer& writer) {
    if (upgrade_open_) // a dry run's upgrade holds the lock already
        upgrade_open_ = false;
    else
        begin_immediate();
    if (path_ != ":memory:") record_.write(path_, writer);
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
    if (dry_run_) fail(ErrorKind::internal, "a dry run was about to commit");
    restore_row_guards();
    record_.remove(); // while the lock is held: the next writer's is never removed
    db_.exec("COMMIT");
    put_in_place();
}

void SqliteStore::rollback() {
    lifted_.clear(); // dropped in the transaction: back with its rollback
    record_.remove();
    if (!sqlite3_get_autocommit(db_.getHandle())) db_.exec("ROLLBACK");
}

void SqliteStore::lift_row_guards(size_t rows) {
    constexpr size_t kBulk = 1024; // the engine's batch: a write of thousands of users
    if (rows < kBulk || !lifted_.empty() || sqlite3_get_autocommit(db_.getHandle())) return;
    SQLite::Statement triggers(db_, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name IN ('users', 'history') ORDER BY rowid");
    while (triggers.executeStep())
        lifted_.emplace_back(triggers.getColumn(0).getString(), triggers.getColumn(1).getString());
    for (const auto& [name, sql] : lifted_)
        db_.exec("DROP TRIGGER \"" + name + "\""); // the schema's own names: plain words
}

void SqliteStore::restore_row_guards() {
    for (const auto& [name, sql] : lifted_)
        db_.exec(sql);
    lifted_.clear();
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
