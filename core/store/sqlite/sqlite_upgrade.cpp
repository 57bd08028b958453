// A store's version checked as it is opened, and an older one upgraded in one
// transaction: the tables its version has must be there and no later one's, and the texts
// a newer version refuses control characters in must hold none.
#include "core/error.hpp"
#include "core/store/controls.hpp"
#include "core/store/sqlite/schema.hpp"
#include "core/store/sqlite/sqlite_store.hpp"

#include <set>

namespace chatctl::sqlite {

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
        upgraded_from_ = version;
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

} // namespace chatctl::sqlite
