#include "core/store/sqlite/schema.hpp"

#include "core/store/controls.hpp"

namespace chatctl::sqlite::schema {

namespace {

// Version 1. The rules the store guards itself (contract R2, R3, R6, R9):
// - R2: a tenant names its default in tenants.default_profile_id, NOT NULL: one default
//   by construction. The composite key (id, default_profile_id) must be a profile of the
//   same tenant; it is deferred so a tenant and its first profile can be created in one
//   transaction. The trigger tenants_default_in_tenant checks the same on every update,
//   even on a connection without foreign keys.
// - R3: the trigger profiles_keep_default refuses to delete a tenant's default profile.
// - R6: users (tenant_id, profile_id) must be a profile of the user's own tenant.
// - R9: UNIQUE ... COLLATE NOCASE compares names and logins ASCII-case-insensitively;
//   tenant keys are lower case by their CHECK.
// The bounds are CHECKs too, as a last line behind the code's own validation.
const char* const kVersion1 = R"sql(
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
        CHECK (length(key) BETWEEN 1 AND 63 AND key NOT GLOB '*[^a-z0-9-]*'
               AND key NOT GLOB '-*' AND key NOT GLOB '*-'),
    display_name TEXT CHECK (display_name IS NULL OR length(display_name) <= 200),
    default_profile_id INTEGER NOT NULL,
    FOREIGN KEY (id, default_profile_id) REFERENCES profiles (tenant_id, id)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 127 AND name = trim(name, ' ')),
    max_concurrent_chats INTEGER NOT NULL DEFAULT 3
        CHECK (typeof(max_concurrent_chats) = 'integer' AND max_concurrent_chats BETWEEN 1 AND 25),
    wrap_up_seconds INTEGER NOT NULL DEFAULT 60
        CHECK (typeof(wrap_up_seconds) = 'integer' AND wrap_up_seconds BETWEEN 0 AND 3600),
    description TEXT CHECK (description IS NULL OR length(description) <= 250),
    UNIQUE (tenant_id, name COLLATE NOCASE),
    UNIQUE (tenant_id, id)
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    login TEXT NOT NULL
        CHECK (length(login) BETWEEN 1 AND 128 AND login NOT GLOB '*[^A-Za-z0-9._@+-]*'),
    name TEXT CHECK (name IS NULL OR length(name) <= 200),
    email TEXT CHECK (email IS NULL OR (length(email) <= 254 AND email GLOB '?*@?*')),
    profile_id INTEGER NOT NULL,
    UNIQUE (tenant_id, login COLLATE NOCASE),
    FOREIGN KEY (tenant_id, profile_id) REFERENCES profiles (tenant_id, id)
);
CREATE INDEX users_by_profile ON users (tenant_id, profile_id);
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    command TEXT NOT NULL,
    tenant TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('tenant', 'profile', 'user')),
    key TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    before TEXT,
    after TEXT
);
CREATE TRIGGER profiles_keep_default BEFORE DELETE ON profiles
WHEN EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id AND default_profile_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'the default profile of a tenant cannot be deleted');
END;
CREATE TRIGGER profiles_stay_in_tenant BEFORE UPDATE OF tenant_id ON profiles
WHEN NEW.tenant_id IS NOT OLD.tenant_id
BEGIN
    SELECT RAISE(ABORT, 'a profile cannot move to another tenant');
END;
CREATE TRIGGER tenants_default_in_tenant BEFORE UPDATE OF id, default_profile_id ON tenants
WHEN NOT EXISTS (SELECT 1 FROM profiles WHERE id = NEW.default_profile_id AND tenant_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'a tenant default must be one of its own profiles');
END;
CREATE TRIGGER users_profile_in_tenant BEFORE UPDATE OF tenant_id, profile_id ON users
WHEN NOT EXISTS (SELECT 1 FROM profiles WHERE id = NEW.profile_id AND tenant_id = NEW.tenant_id)
BEGIN
    SELECT RAISE(ABORT, 'a user profile must belong to the user tenant');
END;
)sql";

// Version 2: history is read newest first, by tenant.
const char* const kVersion2 = R"sql(
CREATE INDEX history_by_tenant ON history (tenant, id);
)sql";

// Version 3: guards raw SQL could slip past.
// - An optional text is NULL or not empty, so that "" and "none" are one state. Older
//   stores had "" where a declaration said so; it meant none, and becomes NULL.
// - No text holds a NUL byte: length() and GLOB stop at one, so `'bob' || char(0)` would
//   pass every CHECK beside `bob`.
// - REPLACE deletes the row it conflicts with without firing delete triggers (unless the
//   connection sets recursive_triggers), which would delete a default profile past
//   profiles_keep_default. An insert or update that would conflict is refused first.
const char* const kVersion3 = R"sql(
UPDATE tenants SET display_name = NULL WHERE display_name = '';
UPDATE profiles SET description = NULL WHERE description = '';
UPDATE users SET name = NULL WHERE name = '';
CREATE TRIGGER tenants_guard_insert BEFORE INSERT ON tenants
WHEN NEW.display_name = '' OR instr(CAST(NEW.key AS BLOB), x'00')
  OR instr(CAST(NEW.display_name AS BLOB), x'00')
  OR EXISTS (SELECT 1 FROM tenants WHERE id = NEW.id)
  OR EXISTS (SELECT 1 FROM tenants WHERE key = NEW.key)
BEGIN SELECT RAISE(ABORT, 'refused: an empty text, a NUL byte, or a row REPLACE would delete'); END;
CREATE TRIGGER tenants_guard_update BEFORE UPDATE ON tenants
WHEN NEW.display_name = '' OR instr(CAST(NEW.key AS BLOB), x'00')
  OR instr(CAST(NEW.display_name AS BLOB), x'00')
  OR EXISTS (SELECT 1 FROM tenants WHERE id <> OLD.id AND id = NEW.id)
  OR EXISTS (SELECT 1 FROM tenants WHERE id <> OLD.id AND key = NEW.key)
BEGIN SELECT RAISE(ABORT, 'refused: an empty text, a NUL byte, or a row REPLACE would delete'); END;
CREATE TRIGGER profiles_guard_insert BEFORE INSERT ON profiles
WHEN NEW.description = '' OR instr(CAST(NEW.name AS BLOB), x'00')
  OR instr(CAST(NEW.description AS BLOB), x'00')
  OR EXISTS (SELECT 1 FROM profiles WHERE id = NEW.id)
  OR EXISTS (SELECT 1 FROM profiles WHERE tenant_id = NEW.tenant_id
             AND name = NEW.name COLLATE NOCASE)
BEGIN SELECT RAISE(ABORT, 'refused: an empty text, a NUL byte, or a row REPLACE would delete'); END;
CREATE TRIGGER profiles_guard_update BEFORE UPDATE ON profiles
WHEN NEW.description = '' OR instr(CAST(NEW.name AS BLOB), x'00')
  OR instr(CAST(NEW.description AS BLOB), x'00')
  OR EXISTS (SELECT 1 FROM profiles WHERE id <> OLD.id AND id = NEW.id)
  OR EXISTS (SELECT 1 FROM profiles WHERE id <> OLD.id AND tenant_id = NEW.tenant_id
             AND name = NEW.name COLLATE NOCASE)
BEGIN SELECT RAISE(ABORT, 'refused: an empty text, a NUL byte, or a row REPLACE would delete'); END;
CREATE TRIGGER users_guard_insert BEFORE INSERT ON users
WHEN NEW.name = '' OR NEW.email = '' OR instr(CAST(NEW.login AS BLOB), x'00')
  OR instr(CAST(NEW.name AS BLOB), x'00') OR instr(CAST(NEW.email AS BLOB), x'00')
  OR EXISTS (SELECT 1 FROM users WHERE id = NEW.id)
  OR EXISTS (SELECT 1 FROM users WHERE tenant_id = NEW.tenant_id
             AND login = NEW.login COLLATE NOCASE)
BEGIN SELECT RAISE(ABORT, 'refused: an empty text, a NUL byte, or a row REPLACE would delete'); END;
CREATE TRIGGER users_guard_update BEFORE UPDATE ON users
WHEN NEW.name = '' OR NEW.email = '' OR instr(CAST(NEW.login AS BLOB), x'00')
  OR instr(CAST(NEW.name AS BLOB), x'00') OR instr(CAST(NEW.email AS BLOB), x'00')
  OR EXISTS (SELECT 1 FROM users WHERE id <> OLD.id AND id = NEW.id)
  OR EXISTS (SELECT 1 FROM users WHERE id <> OLD.id AND tenant_id = NEW.tenant_id
             AND login = NEW.login COLLATE NOCASE)
BEGIN SELECT RAISE(ABORT, 'refused: an empty text, a NUL byte, or a row REPLACE would delete'); END;
CREATE TRIGGER history_guard_insert BEFORE INSERT ON history
WHEN instr(CAST(NEW.actor AS BLOB), x'00') OR instr(CAST(NEW.command AS BLOB), x'00')
  OR instr(CAST(NEW.tenant AS BLOB), x'00') OR instr(CAST(NEW.key AS BLOB), x'00')
  OR instr(CAST(NEW.before AS BLOB), x'00') OR instr(CAST(NEW.after AS BLOB), x'00')
  OR length(NEW.actor) NOT BETWEEN 1 AND 200
BEGIN SELECT RAISE(ABORT, 'refused: a NUL byte in history, or an actor out of bounds'); END;
CREATE TRIGGER history_guard_update BEFORE UPDATE ON history
WHEN instr(CAST(NEW.actor AS BLOB), x'00') OR instr(CAST(NEW.command AS BLOB), x'00')
  OR instr(CAST(NEW.tenant AS BLOB), x'00') OR instr(CAST(NEW.key AS BLOB), x'00')
  OR instr(CAST(NEW.before AS BLOB), x'00') OR instr(CAST(NEW.after AS BLOB), x'00')
  OR length(NEW.actor) NOT BETWEEN 1 AND 200
BEGIN SELECT RAISE(ABORT, 'refused: a NUL byte in history, or an actor out of bounds'); END;
)sql";

// Version 4: change numbers and times to the millisecond.
// - Every committed command's history entries share a change number, one more than the
//   highest before it. Older entries get theirs from what they already share: a command
//   wrote all of its entries in a row, with one time, actor and command. A column added
//   to a table cannot be NOT NULL without a default: triggers refuse NULL instead.
// - Times keep milliseconds; older ones, to the second, get ".000".
const char* const kVersion4 = R"sql(
ALTER TABLE history ADD COLUMN change INTEGER;
WITH fresh AS (
    SELECT id, CASE WHEN at IS lag(at) OVER w AND actor IS lag(actor) OVER w
                     AND command IS lag(command) OVER w THEN 0 ELSE 1 END AS starts
    FROM history WINDOW w AS (ORDER BY id)),
numbered AS (SELECT id, sum(starts) OVER (ORDER BY id) AS n FROM fresh)
UPDATE history SET change = numbered.n FROM numbered WHERE history.id = numbered.id;
UPDATE history SET at = substr(at, 1, 19) || '.000Z' WHERE length(at) = 20;
CREATE INDEX history_by_change ON history (change, id);
CREATE TRIGGER history_change_insert BEFORE INSERT ON history
WHEN NEW.change IS NULL OR typeof(NEW.change) <> 'integer' OR NEW.change < 1
BEGIN SELECT RAISE(ABORT, 'a history entry needs a change number'); END;
CREATE TRIGGER history_change_update BEFORE UPDATE OF change ON history
WHEN NEW.change IS NULL OR typeof(NEW.change) <> 'integer' OR NEW.change < 1
BEGIN SELECT RAISE(ABORT, 'a history entry needs a change number'); END;
)sql";

// Version 5: guards no role may pass (contract: the store refuses what the rules refuse).
// - No control character (U+0001-U+001F, DEL, U+0080-U+009F; NUL since version 3) in any
//   text, on insert, and on update of the text that changes (an older value elsewhere in
//   the row does not stop an edit). GLOB compares code points; the pattern is built with
//   char() so that the schema's own text holds no control. An older store holding one is
//   not upgraded (SqliteStore names the values).
// - A history entry's change number follows one already in history (N - 1), or is 1, so
//   that no entry can push the next number (the highest plus one) out of range and stop
//   every write: numbers grow by one at most per entry.
std::string version5() {
    const std::string refused = "BEGIN SELECT RAISE(ABORT, 'refused: a control character in a "
                                "text'); END;\n";
    std::string sql;
    for (const auto& t : store_controls::text_columns()) {
        // An insert matches the row's texts joined, once: a GLOB per column costs twice
        // as much, and a user's row and history entry are written by the million.
        std::string joined, on_update, columns;
        for (const std::string c : t.columns) {
            joined.append(joined.empty() ? "" : " || ")
                .append("ifnull(NEW.")
                .append(c)
                .append(", '')");
            on_update.append(on_update.empty() ? "(" : " OR (")
                .append("NEW.")
                .append(c)
                .append(" IS NOT OLD.")
                .append(c)
                .append(" AND ")
                .append(holds_control("NEW." + c))
                .append(")");
            columns.append(columns.empty() ? "" : ", ").append(c);
        }
        const std::string on_insert = holds_control("(" + joined + ")");
        const std::string table = t.table;
        auto trigger = [&](const char* name, const std::string& what, const std::string& when) {
            sql.append("CREATE TRIGGER ")
                .append(table + name)
                .append(" BEFORE ")
                .append(what)
                .append(" ON ")
                .append(table)
                .append("\nWHEN ")
                .append(when)
                .append("\n")
                .append(refused);
        };
        trigger("_no_controls_insert", "INSERT", on_insert);
        trigger("_no_controls_update", "UPDATE OF " + columns, on_update);
    }
    return sql + R"sql(
CREATE TRIGGER history_change_follows BEFORE INSERT ON history
WHEN NEW.change > 1 AND NOT EXISTS (SELECT 1 FROM history WHERE change = NEW.change - 1)
BEGIN SELECT RAISE(ABORT, 'a change number follows one in history'); END;
CREATE TRIGGER history_change_follows_update BEFORE UPDATE OF change ON history
WHEN NEW.change > 1 AND NOT EXISTS (SELECT 1 FROM history WHERE change = NEW.change - 1)
BEGIN SELECT RAISE(ABORT, 'a change number follows one in history'); END;
)sql";
}

// Version 6: who manages a tenant (`apply --owner NAME`), so that `apply --prune --owner
// NAME` finds the tenants NAME applied before. Optional; its bounds as a CHECK, whose
// characters leave no control out but NUL (where GLOB and length() stop), refused by
// triggers as in version 3. The index serves the prune's lookup.
const char* const kVersion6 = R"sql(
ALTER TABLE tenants ADD COLUMN owner TEXT
    CHECK (owner IS NULL OR (length(owner) BETWEEN 1 AND 100
                             AND owner NOT GLOB '*[^A-Za-z0-9._:/@-]*'));
CREATE INDEX tenants_by_owner ON tenants (owner, key);
CREATE TRIGGER tenants_owner_guard_insert BEFORE INSERT ON tenants
WHEN instr(CAST(NEW.owner AS BLOB), x'00')
BEGIN SELECT RAISE(ABORT, 'refused: a NUL byte in an owner'); END;
CREATE TRIGGER tenants_owner_guard_update BEFORE UPDATE OF owner ON tenants
WHEN instr(CAST(NEW.owner AS BLOB), x'00')
BEGIN SELECT RAISE(ABORT, 'refused: a NUL byte in an owner'); END;
)sql";

// Version 7: why a change was made (`--reason`), one row per change that has one. A reason
// belongs to a change history holds (its entries are written first), so that no row can
// wait for a number and refuse the change that later gets it. Its bounds as a CHECK; a
// control character or a NUL byte refused by triggers, as in versions 3 and 5.
std::string version7() {
    const std::string refused = "refused: a NUL byte or a control character in a reason, or "
                                "a reason for a change history does not hold";
    const std::string when = "instr(CAST(NEW.reason AS BLOB), x'00') OR " +
                             holds_control("NEW.reason") +
                             "\n  OR NOT EXISTS (SELECT 1 FROM history WHERE change = NEW.change)";
    std::string sql = R"sql(
CREATE TABLE change_reasons (
    change INTEGER PRIMARY KEY,
    reason TEXT NOT NULL CHECK (typeof(reason) = 'text' AND length(reason) BETWEEN 1 AND 500)
);
)sql";
    for (const char* what : {"insert", "update"})
        sql.append("CREATE TRIGGER change_reasons_guard_")
            .append(what)
            .append(" BEFORE ")
            .append(what[0] == 'i' ? "INSERT" : "UPDATE")
            .append(" ON change_reasons\nWHEN ")
            .append(when)
            .append("\nBEGIN SELECT RAISE(ABORT, '")
            .append(refused)
            .append("'); END;\n");
    return sql;
}

} // namespace

const std::vector<const char*>& migrations() {
    static const std::string v5 = version5();
    static const std::string v7 = version7();
    static const std::vector<const char*> all = {kVersion1,  kVersion2, kVersion3, kVersion4,
                                                 v5.c_str(), kVersion6, v7.c_str()};
    return all;
}

std::string holds_control(const std::string& column) {
    return column +
           " GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*'";
}

const std::vector<Object>& objects(int i) {
    // Read off the migrations' own text once (a plain scan: every command opens a store).
    static const std::vector<std::vector<Object>> all = [] {
        std::vector<std::vector<Object>> out;
        for (const std::string sql : migrations()) {
            out.emplace_back();
            struct Kind {
                std::string words;
                bool table;
            };
            for (const auto& [words, table] :
                 {Kind{"CREATE TABLE ", true}, Kind{"CREATE INDEX ", false},
                  Kind{"CREATE TRIGGER ", false}})
                for (size_t at = sql.find(words); at != std::string::npos;
                     at = sql.find(words, at + 1)) {
                    size_t start = at + words.size();
                    size_t end = sql.find_first_of(" (\n", start);
                    out.back().push_back(Object{table, sql.substr(start, end - start)});
                }
        }
        return out;
    }();
    return all.at(static_cast<size_t>(i));
}

} // namespace chatctl::sqlite::schema
