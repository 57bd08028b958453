// The PostgreSQL store's history: entries selected by a filter, each query planned for
// its values; read a page at a time through one cursor; counted, numbered, and written
// by COPY.
#include "core/error.hpp"
#include "core/store/postgres/pg_rows.hpp"
#include "core/store/postgres/pg_schema.hpp"
#include "core/store/postgres/pg_store.hpp"

namespace chatctl::postgres {

namespace {

// The history query for a filter ($N::type IS NULL when a field is not given), selecting
// `columns`; each run is planned for its values (Conn::query sends it unnamed), so the
// index on the change or the tenant leads when given: a plan made once for any values
// reads the whole table.
std::string history_sql(const char* columns, bool oldest_first) {
    return std::string("SELECT ") + columns +
           " FROM history "
           "WHERE ($1::text IS NULL OR tenant = $1::text) "
           "AND ($2::bigint IS NULL OR change = $2::bigint) "
           "AND ($3::text IS NULL OR kind = $3::text) "
           "AND ($4::text IS NULL OR lower(key COLLATE \"C\") = lower($4::text COLLATE \"C\")) "
           "AND ($5::text IS NULL OR actor = $5::text) "
           "AND ($6::text IS NULL OR at >= $6::text COLLATE \"C\") "
           "AND ($7::text IS NULL OR at <= $7::text COLLATE \"C\") "
           "AND ($8::bigint IS NULL OR id < $8::bigint) "
           "AND ($9::bigint IS NULL OR id > $9::bigint) "
           "ORDER BY id " +
           (oldest_first ? "ASC" : "DESC") + " LIMIT $10";
}

// An entry's columns, with its change's reason or without it (HistoryFilter::reasons).
const char* entry_columns(bool reasons) {
    return reasons ? "id, change, at, actor, command, tenant, kind, key, action, before, after, "
                     "(SELECT r.reason FROM change_reasons r WHERE r.change = history.change)"
                   : "id, change, at, actor, command, tenant, kind, key, action, before, after, "
                     "NULL";
}

Param optional_num(const std::optional<int64_t>& n) {
    return n ? Param(num(*n)) : std::nullopt;
}

std::vector<Param> history_params(const HistoryFilter& f, Param limit) {
    return {f.tenant,
            optional_num(f.change),
            f.kind,
            f.key,
            f.actor,
            f.since,
            f.until,
            optional_num(f.before_id),
            optional_num(f.after_id),
            std::move(limit)};
}

} // namespace

int64_t PgStore::history_count(const HistoryFilter& f) {
    // Counted a page of entries at a time, by keyset: one count of millions of entries
    // would run near a statement_timeout a DBA may set.
    constexpr int64_t kPage = 5000;
    const std::string sql = "SELECT count(*), " + std::string(f.oldest_first ? "max" : "min") +
                            "(id) FROM (" + history_sql("id", f.oldest_first) + ") AS page";
    HistoryFilter rest = f;
    int64_t total = 0;
    for (;;) {
        Result r = conn_.query(sql, history_params(rest, num(kPage)));
        const int64_t n = r.integer(0, 0);
        total += n;
        if (n < kPage) return total;
        (f.oldest_first ? rest.after_id : rest.before_id) = r.integer(0, 1);
    }
}

namespace {

std::vector<HistoryEntry> history_rows(const Result& r, bool texts) {
    auto json = [&](int i, int col) -> Json {
        if (r.null(i, col)) return nullptr;
        Json value = Json::parse(r.text(i, col), nullptr, false);
        if (value.is_discarded())
            fail(ErrorKind::store, "a history entry holds invalid JSON",
                 {"the store was changed outside chatctl; restore a backup"});
        return value;
    };
    auto parsed = [&](int i, int col) { return texts ? Json() : json(i, col); };
    auto raw = [&](int i, int col) {
        return texts ? r.optional_text(i, col) : std::optional<std::string>();
    };
    return rows_of(r, [&](int i) {
        return HistoryEntry{r.integer(i, 0), r.integer(i, 1),       r.text(i, 2),  r.text(i, 3),
                            r.text(i, 4),    r.optional_text(i, 5), r.text(i, 6),  r.text(i, 7),
                            r.text(i, 8),    parsed(i, 9),          parsed(i, 10), raw(i, 9),
                            raw(i, 10),      r.optional_text(i, 11)};
    });
}

} // namespace

std::vector<HistoryEntry> PgStore::history(const HistoryFilter& f, int limit) {
    refuse_history_before_upgrade(conn_.shown(), version_, schema::current_version());
    return history_rows(conn_.query(history_sql(entry_columns(f.reasons), f.oldest_first),
                                    history_params(f, num(limit))),
                        f.texts);
}

// Inside a transaction, one query read through a cursor: planned once for the whole scan
// and for its first rows, it walks the index in order, where pages queried one by one
// are planned from the table's statistics (after a large import, not gathered yet: each
// page would then sort every entry of the change).
void PgStore::history_pages(HistoryFilter f, int page, const HistoryPage& each) {
    if (!conn_.in_transaction()) return Store::history_pages(std::move(f), page, each);
    refuse_history_before_upgrade(conn_.shown(), version_, schema::current_version());
    const std::string declare = "DECLARE chatctl_history NO SCROLL CURSOR FOR " +
                                history_sql(entry_columns(f.reasons), f.oldest_first);
    conn_.query(declare, history_params(f, std::nullopt));
    struct Close {
        Conn& conn;
        ~Close() {
            try {
                conn.run("CLOSE chatctl_history");
            } catch (...) { // a failed transaction takes the cursor with it
            }
        }
    } close{conn_};
    const std::string fetch = "FETCH " + num(page) + " FROM chatctl_history";
    for (;;) {
        auto rows = history_rows(conn_.query(fetch), f.texts);
        if (!rows.empty()) each(rows);
        if (rows.size() < static_cast<size_t>(page)) return;
    }
}

int64_t PgStore::next_change() {
    return conn_.query("SELECT coalesce(max(change), 0) + 1 FROM history").integer(0, 0);
}

void PgStore::record_reason(int64_t change, const std::string& reason) {
    conn_.query("INSERT INTO change_reasons (change, reason) VALUES ($1, $2)",
                {num(change), reason});
}

void PgStore::insert_history(const std::vector<HistoryRow>& rows) {
    std::string& data = copy_text_;
    data.clear();
    for (const auto& h : rows) {
        data += num(h.change);
        data += '\t';
        for (const std::string* field : {&h.at, &h.actor, &h.command, &h.tenant}) {
            copy_field(data, *field);
            data += '\t';
        }
        data += h.kind;
        data += '\t';
        copy_field(data, h.key);
        data += '\t';
        data += h.action;
        data += '\t';
        copy_field(data, h.before);
        data += '\t';
        copy_field(data, h.after);
        data += '\n';
    }
    conn_.copy_in(
        "COPY history (change, at, actor, command, tenant, kind, key, action, before, after) "
        "FROM STDIN",
        data);
    added_history_ += static_cast<int64_t>(rows.size());
}

} // namespace chatctl::postgres
