// The SQLite store's history: entries selected by a filter (a statement for each set of
// fields given, so that an index leads), counted, numbered, and inserted 64 rows to an
// INSERT.
#include "core/error.hpp"
#include "core/store/sqlite/schema.hpp"
#include "core/store/sqlite/sqlite_rows.hpp"
#include "core/store/sqlite/sqlite_store.hpp"
#include "core/validate.hpp"

#include <map>
#include <mutex>

namespace chatctl::sqlite {

namespace {

Json parse_json(const SQLite::Column& column) {
    if (column.isNull()) return nullptr;
    Json value = Json::parse(text(column), nullptr, false);
    if (value.is_discarded())
        fail(ErrorKind::store,
             "a history entry holds invalid JSON (" + validate::quote(text(column)) + ")",
             {"the store was changed outside chatctl; restore a backup"});
    return value;
}

std::mutex history_texts; // a streamed apply's writer thread may read history too

// The history query for a filter, with a condition for each field given and none for the
// others, so that an index leads by the change or the tenant and a page's bound (before_id,
// after_id) is a range of it, not a filter over every entry before it. The texts stay, as
// statements are kept by them; parameters keep their numbers (?10 is the limit).
const char* history_sql(const HistoryFilter& f) {
    static std::map<unsigned, std::string> texts;
    const bool given[] = {f.tenant.has_value(), f.change.has_value(),    f.kind.has_value(),
                          f.key.has_value(),    f.actor.has_value(),     f.since.has_value(),
                          f.until.has_value(),  f.before_id.has_value(), f.after_id.has_value()};
    static const char* const conditions[] = {
        "tenant = ?1", "change = ?2", "kind = ?3", "key = ?4 COLLATE NOCASE",
        "actor = ?5",  "at >= ?6",    "at <= ?7",  "id < ?8",
        "id > ?9"};
    unsigned mask = (f.oldest_first ? 1u << 9 : 0) | (f.reasons ? 1u << 10 : 0);
    for (unsigned i = 0; i < 9; ++i)
        mask |= given[i] ? 1u << i : 0;
    std::lock_guard lock(history_texts);
    std::string& sql = texts[mask];
    if (sql.empty()) {
        sql = std::string("SELECT id, change, at, actor, command, tenant, kind, key, action, "
                          "before, after, ") +
              (f.reasons ? "(SELECT reason FROM change_reasons r WHERE r.change = history.change)"
                         : "NULL") +
              " FROM history WHERE 1";
        for (unsigned i = 0; i < 9; ++i)
            if (given[i]) sql += std::string(" AND ") + conditions[i];
        sql += f.oldest_first ? " ORDER BY id ASC LIMIT ?10" : " ORDER BY id DESC LIMIT ?10";
    }
    return sql.c_str();
}

// The count of what a history query selects; the text stays, as statements are kept by it.
const char* history_count_sql(const HistoryFilter& f) {
    static std::map<const char*, std::string> counts;
    const char* sql = history_sql(f);
    std::lock_guard lock(history_texts);
    std::string& count = counts[sql];
    if (count.empty()) count = "SELECT count(*) FROM (" + std::string(sql) + ")";
    return count.c_str();
}

void bind_history(SQLite::Statement& st, const HistoryFilter& f, int64_t limit) {
    bind_optional(st, 1, f.tenant);
    if (f.change) st.bind(2, *f.change);
    bind_optional(st, 3, f.kind);
    bind_optional(st, 4, f.key);
    bind_optional(st, 5, f.actor);
    bind_optional(st, 6, f.since);
    bind_optional(st, 7, f.until);
    if (f.before_id) st.bind(8, *f.before_id);
    if (f.after_id) st.bind(9, *f.after_id);
    st.bind(10, limit);
}

} // namespace

int64_t SqliteStore::history_count(const HistoryFilter& f) {
    Reset r(statement(history_count_sql(f)));
    bind_history(r.st, f, -1); // no limit
    r.st.executeStep();
    return r.st.getColumn(0).getInt64();
}

std::vector<HistoryEntry> SqliteStore::history(const HistoryFilter& f, int limit) {
    refuse_history_before_upgrade(path_, version_, schema::current_version());
    Reset r(statement(history_sql(f)));
    bind_history(r.st, f, limit);
    // Parsed, or left as texts (f.texts).
    auto json = [&](int i) { return f.texts ? Json() : parse_json(r.st.getColumn(i)); };
    auto raw = [&](int i) {
        return f.texts ? optional_text(r.st.getColumn(i)) : std::optional<std::string>();
    };
    std::vector<HistoryEntry> out;
    while (r.st.executeStep()) {
        auto col = [&](int i) { return text(r.st.getColumn(i)); };
        out.push_back(HistoryEntry{r.st.getColumn(0).getInt64(), r.st.getColumn(1).getInt64(),
                                   col(2), col(3), col(4), optional_text(r.st.getColumn(5)), col(6),
                                   col(7), col(8), json(9), json(10), raw(9), raw(10),
                                   optional_text(r.st.getColumn(11))});
    }
    return out;
}

int64_t SqliteStore::next_change() {
    Reset r(statement("SELECT coalesce(max(change), 0) + 1 FROM history"));
    r.st.executeStep();
    return r.st.getColumn(0).getInt64();
}

void SqliteStore::record_reason(int64_t change, const std::string& reason) {
    // A reason left for this number by raw SQL that deleted its change's history (any
    // connection to the file may) is replaced, never in the way of this change.
    Reset r(statement("INSERT OR REPLACE INTO change_reasons (change, reason) VALUES (?, ?)"));
    r.st.bind(1, change);
    r.st.bind(2, reason);
    r.st.exec();
}

void SqliteStore::insert_history(const std::vector<HistoryRow>& rows) {
    static const BatchInsert history_insert("INSERT INTO history (change, at, actor, command, "
                                            "tenant, kind, key, action, before, after) VALUES ",
                                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (size_t done = 0; done < rows.size();) {
        const size_t n = rows.size() - done >= kBatch ? kBatch : 1;
        Reset r(statement(history_insert.sql(n)));
        for (size_t i = 0; i < n; ++i) {
            const HistoryRow& h = rows[done + i];
            const int base = static_cast<int>(i * 10);
            r.st.bind(base + 1, h.change);
            r.st.bind(base + 2, h.at);
            r.st.bind(base + 3, h.actor);
            r.st.bind(base + 4, h.command);
            r.st.bind(base + 5, h.tenant);
            r.st.bind(base + 6, h.kind);
            r.st.bind(base + 7, h.key);
            r.st.bind(base + 8, h.action);
            bind_optional(r.st, base + 9, h.before);
            bind_optional(r.st, base + 10, h.after);
        }
        r.st.exec();
        done += n;
    }
}

} // namespace chatctl::sqlite
