// The PostgreSQL store's history: entries selected by a filter, each query planned for
// its values; unpacked from the rows that hold many (schema version 7); counted,
// numbered, and written by COPY, packed.
#include "core/error.hpp"
#include "core/store/postgres/pg_rows.hpp"
#include "core/store/postgres/pg_schema.hpp"
#include "core/store/postgres/pg_store.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <tuple>

namespace chatctl::postgres {

namespace {

// The rows that hold the entries a filter selects ($N::type IS NULL when a field is not
// given). A packed row is selected when any of its entries may be: its key when one of
// its lines is, its ids when their range reaches past a bound (`id > $9 - the most a row
// holds` keeps the index on id leading there); its entries are then filtered one by one
// as they are unpacked (unpack). Each run is planned for its values (Conn::query sends
// it unnamed), so that the index on the change or the tenant leads when given.
std::string history_where() {
    return "WHERE ($1::text IS NULL OR tenant = $1::text) "
           "AND ($2::bigint IS NULL OR change = $2::bigint) "
           "AND ($3::text IS NULL OR kind = $3::text) "
           "AND ($4::text IS NULL OR CASE WHEN entries = 1 "
           "THEN lower(key COLLATE \"C\") = lower($4::text COLLATE \"C\") "
           "ELSE lower($4::text COLLATE \"C\") = "
           "ANY (string_to_array(lower(key COLLATE \"C\"), E'\\n')) END) "
           "AND ($5::text IS NULL OR actor = $5::text) "
           "AND ($6::text IS NULL OR at >= $6::text COLLATE \"C\") "
           "AND ($7::text IS NULL OR at <= $7::text COLLATE \"C\") "
           "AND ($8::bigint IS NULL OR id < $8::bigint) "
           "AND ($9::bigint IS NULL OR (id > $9::bigint - " +
           std::to_string(schema::kMostPackedEntries) + " AND id + entries - 1 > $9::bigint)) ";
}

const char* order(bool oldest_first) {
    return oldest_first ? " ASC" : " DESC";
}

// The rows, in id order, that hold the first $10 entries selected: no more rows than
// that, and none after the row that reaches it (their texts are never read, nor their
// change's reason). A row counts as its entries; with a key, as one (most of its
// entries are other keys': counted as all of them, each query would read one row).
// Columns: id, change, at, actor, command, tenant, kind, key, action, before, after, the
// change's reason (or NULL without HistoryFilter::reasons), entries.
std::string history_sql(bool reasons, bool oldest_first) {
    const std::string by = std::string("ORDER BY id") + order(oldest_first);
    const char* columns =
        "id, change, at, actor, command, tenant, kind, key, action, before, after";
    return std::string("SELECT ") + columns + ", " +
           (reasons ? "(SELECT r.reason FROM change_reasons r WHERE r.change = page.change)"
                    : "NULL") +
           ", entries FROM (SELECT " + columns +
           ", entries, sum(CASE WHEN $4::text IS NULL THEN entries ELSE 1 END) OVER (" + by +
           " ROWS UNBOUNDED PRECEDING) - CASE WHEN $4::text IS NULL THEN entries ELSE 1 END "
           "AS earlier FROM history " +
           history_where() + by + " LIMIT $10) AS page WHERE earlier < $10 " + by;
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
    // Counted a page of rows at a time, by keyset: one count of millions of entries would
    // run near a statement_timeout a DBA may set. A packed row counts its entries; those
    // of a row a bound or the key cuts are counted one by one.
    constexpr int64_t kPage = 5000;
    const std::string sql =
        std::string("SELECT coalesce(sum(CASE WHEN $4::text IS NULL "
                    "AND ($8::bigint IS NULL OR id + entries - 1 < $8::bigint) "
                    "AND ($9::bigint IS NULL OR id > $9::bigint) THEN entries "
                    "ELSE (SELECT count(*) FROM unnest(string_to_array(key, E'\\n')) "
                    "WITH ORDINALITY AS k (line, i) "
                    "WHERE ($4::text IS NULL OR lower(line COLLATE \"C\") = "
                    "lower($4::text COLLATE \"C\")) "
                    "AND ($8::bigint IS NULL OR id + i - 1 < $8::bigint) "
                    "AND ($9::bigint IS NULL OR id + i - 1 > $9::bigint)) END), 0), count(*), ") +
        (f.oldest_first ? "max(id + entries - 1)" : "min(id)") +
        " FROM (SELECT id, entries, key FROM history " + history_where() + "ORDER BY id" +
        order(f.oldest_first) + " LIMIT $10) AS page";
    HistoryFilter rest = f;
    int64_t total = 0;
    for (;;) {
        Result r = conn_.query(sql, history_params(rest, num(kPage)));
        total += r.integer(0, 0);
        if (r.integer(0, 1) < kPage) return total;
        (f.oldest_first ? rest.after_id : rest.before_id) = r.integer(0, 2);
    }
}

namespace {

// A pack's text: its n lines, or none when it is NULL.
std::vector<std::string_view> lines_of(const Result& r, int i, int col, int64_t n) {
    std::vector<std::string_view> lines;
    if (r.null(i, col)) return lines;
    lines.reserve(static_cast<size_t>(n));
    std::string_view text = r.view(i, col);
    for (size_t from = 0;;) {
        const size_t end = text.find('\n', from);
        lines.push_back(text.substr(from, end - from));
        if (end == std::string_view::npos) break;
        from = end + 1;
    }
    if (static_cast<int64_t>(lines.size()) != n)
        fail(ErrorKind::store, "a packed history row's texts do not hold one line per entry",
             {"the store was changed outside chatctl; restore a backup"});
    return lines;
}

// Whether two texts are equal ignoring ASCII case, as lower(... COLLATE "C") compares.
bool same_key(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

// Appends to `out`, in the filter's order, the entries of row i that it selects, until
// out holds `limit`.
void unpack(const Result& r, int i, const HistoryFilter& f, size_t limit,
            std::vector<HistoryEntry>& out) {
    auto json = [&](std::optional<std::string_view> text) -> Json {
        if (!text || f.texts) return nullptr;
        Json value = Json::parse(text->begin(), text->end(), nullptr, false);
        if (value.is_discarded())
            fail(ErrorKind::store, "a history entry holds invalid JSON",
                 {"the store was changed outside chatctl; restore a backup"});
        return value;
    };
    auto raw = [&](std::optional<std::string_view> text) -> std::optional<std::string> {
        if (!text || !f.texts) return std::nullopt;
        return std::string(*text);
    };
    auto entry = [&](int64_t id, std::string_view key, std::optional<std::string_view> before,
                     std::optional<std::string_view> after) {
        out.push_back(HistoryEntry{id, r.integer(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                                   r.optional_text(i, 5), r.text(i, 6), std::string(key),
                                   r.text(i, 8), json(before), json(after), raw(before), raw(after),
                                   r.optional_text(i, 11)});
    };
    auto column = [&](int col) {
        return r.null(i, col) ? std::optional<std::string_view>() : r.view(i, col);
    };
    const int64_t first = r.integer(i, 0), n = r.integer(i, 12);
    if (n == 1) return entry(first, r.view(i, 7), column(9), column(10));
    const auto keys = lines_of(r, i, 7, n), befores = lines_of(r, i, 9, n),
               afters = lines_of(r, i, 10, n);
    auto line = [](const std::vector<std::string_view>& lines, int64_t k) {
        return lines.empty() ? std::optional<std::string_view>() : lines[static_cast<size_t>(k)];
    };
    for (int64_t j = 0; j < n && out.size() < limit; ++j) {
        const int64_t k = f.oldest_first ? j : n - 1 - j;
        const int64_t id = first + k;
        if ((f.before_id && id >= *f.before_id) || (f.after_id && id <= *f.after_id)) continue;
        const std::string_view of = keys[static_cast<size_t>(k)];
        if (f.key && !same_key(of, *f.key)) continue;
        entry(id, of, line(befores, k), line(afters, k));
    }
}

} // namespace

namespace {

bool same_filter(const HistoryFilter& a, const HistoryFilter& b) {
    return std::tie(a.tenant, a.kind, a.key, a.actor, a.change, a.since, a.until, a.before_id,
                    a.after_id, a.oldest_first, a.texts, a.reasons) ==
           std::tie(b.tenant, b.kind, b.key, b.actor, b.change, b.since, b.until, b.before_id,
                    b.after_id, b.oldest_first, b.texts, b.reasons);
}

} // namespace

std::vector<HistoryEntry> PgStore::history(const HistoryFilter& f, int limit) {
    refuse_history_before_upgrade(conn_.shown(), version_, schema::current_version());
    const std::string sql = history_sql(f.reasons, f.oldest_first);
    const size_t most = static_cast<size_t>(std::max(limit, 0));
    std::vector<HistoryEntry> out;
    HistoryFilter rest = f; // past the rows read
    std::optional<CarriedRow> carried;
    std::swap(carried, carried_);
    // Unpacks row i of r; a row the page ends inside is kept for the next page.
    auto take = [&](const std::shared_ptr<const Result>& r, int i) {
        const bool room = out.size() < most;
        unpack(*r, i, f, most, out);
        if (room && out.size() == most && r->integer(i, 12) > 1) {
            HistoryFilter next = f;
            (f.oldest_first ? next.after_id : next.before_id) = out.back().id;
            carried_ = CarriedRow{r, i, std::move(next)};
        }
        const int64_t first = r->integer(i, 0);
        if (f.oldest_first)
            rest.after_id = first + r->integer(i, 12) - 1;
        else
            rest.before_id = first;
    };
    if (carried && same_filter(carried->next, f)) take(carried->result, carried->row);
    while (out.size() < most) {
        const int64_t want = static_cast<int64_t>(most - out.size());
        const auto r =
            std::make_shared<const Result>(conn_.query(sql, history_params(rest, num(want))));
        int64_t held = 0;
        for (int i = 0; i < r->rows(); ++i) {
            held += f.key ? 1 : r->integer(i, 12);
            take(r, i);
        }
        // Fewer entries held (as history_sql counts them) than asked for: the rows selected
        // are all read.
        if (held < want) break;
    }
    return out;
}

int64_t PgStore::next_change() {
    return conn_.query("SELECT coalesce(max(change), 0) + 1 FROM history").integer(0, 0);
}

void PgStore::record_reason(int64_t change, const std::string& reason) {
    conn_.query("INSERT INTO change_reasons (change, reason) VALUES ($1, $2)",
                {num(change), reason});
}

namespace {

// Whether history row b may share a's packed row.
bool same_pack(const Store::HistoryRow& a, const Store::HistoryRow& b) {
    return a.change == b.change && a.at == b.at && a.actor == b.actor && a.command == b.command &&
           a.tenant == b.tenant && std::strcmp(a.kind, b.kind) == 0 &&
           std::strcmp(a.action, b.action) == 0 && a.before.has_value() == b.before.has_value() &&
           a.after.has_value() == b.after.has_value();
}

// One field of a packed row: the texts of rows [from, to), one per line, or NULL.
template <class Text>
void copy_lines(std::string& data, const std::vector<Store::HistoryRow>& rows, size_t from,
                size_t to, Text Store::HistoryRow::*text) {
    for (size_t k = from; k < to; ++k) {
        const std::string* value = text_of(rows[k].*text);
        if (!value) {
            data += "\\N";
            return;
        }
        if (k > from) data += "\\n";
        copy_text(data, *value);
    }
}

} // namespace

// Consecutive rows that share their change, time, actor, command, tenant, kind and action
// are written as one row (packed, version 7), a few hundred at most: a page of history
// reads few more entries than it shows. Their ids are taken from history's identity
// at once.
void PgStore::insert_history(const std::vector<HistoryRow>& rows) {
    constexpr size_t kPack = 256;
    static_assert(kPack <= static_cast<size_t>(schema::kMostPackedEntries));
    int64_t id =
        conn_.query("SELECT chatctl_history_ids($1)", {std::to_string(rows.size())}).integer(0, 0);
    std::string& data = copy_text_;
    data.clear();
    for (size_t from = 0, to; from < rows.size(); from = to) {
        for (to = from + 1; to < rows.size() && to - from < kPack; ++to)
            if (!same_pack(rows[from], rows[to])) break;
        const HistoryRow& h = rows[from];
        data += num(id);
        data += '\t';
        data += num(static_cast<int64_t>(to - from));
        data += '\t';
        data += num(h.change);
        data += '\t';
        for (const std::string* field : {&h.at, &h.actor, &h.command, &h.tenant}) {
            copy_text(data, *field);
            data += '\t';
        }
        data += h.kind;
        data += '\t';
        copy_lines(data, rows, from, to, &HistoryRow::key);
        data += '\t';
        data += h.action;
        data += '\t';
        copy_lines(data, rows, from, to, &HistoryRow::before);
        data += '\t';
        copy_lines(data, rows, from, to, &HistoryRow::after);
        data += '\n';
        id += static_cast<int64_t>(to - from);
    }
    conn_.copy_send("COPY history (id, entries, change, at, actor, command, tenant, kind, key, "
                    "action, before, after) FROM STDIN",
                    data); // read before the next statement, as a batch of users is
}

} // namespace chatctl::postgres
