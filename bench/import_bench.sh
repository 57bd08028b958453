#!/usr/bin/env bash
# user import of ROWS agents from CSV (names quoted, with commas and quotes; half of them
# on a named profile), its no-op repeat, and user list -o csv, each as a ratio to a floor
# measured in the same run:
#   import: sqlite3 .import of the same file into a table of the same columns with a
#           case-insensitive UNIQUE index on login, one transaction, WAL
#   import+history: the same, and one history row per user (the JSON text chatctl
#           records) imported into a table of history's columns, in one transaction
#   writes: sqlite3 doing the writes chatctl does, into a copy of the same store: .import
#           into a temporary table, then the users (with their profiles) and one history
#           row each (json_object of the user) inserted by SQL, one transaction; the
#           store's own guards (triggers, indexes) run as they do for chatctl
#   scan:   sqlite3 -csv printing the store's users with their profile names, in login
#           order, to /dev/null
# import is compared with both import floors, re-import with the first, list -o csv
# with scan; `revert last` of the import, and of that revert, with the import itself.
#   bash bench/import_bench.sh [ROWS] [postgres]   (default 100000; postgres: the same
#   import and reverts on a throwaway PostgreSQL cluster too)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
source bench/measure.sh

python3 - "$rows" "$work/agents.csv" "$work/history.csv" <<'PY'
import json, sys
rows, path, history = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(path, "w", newline="") as f, open(history, "w", newline="") as h:
    f.write("login,name,email,profile\r\n")
    for i in range(rows):
        profile = "Sales" if i % 2 else ""
        f.write(f'agent{i:07d},"Agent {i}, ""A{i % 97}""",agent{i}@example.com,{profile}\r\n')
        after = json.dumps({"tenant": "acme", "login": f"agent{i:07d}",
                            "name": f'Agent {i}, "A{i % 97}"', "email": f"agent{i}@example.com",
                            "profile": profile or "Default"}, separators=(",", ":"))
        h.write(f'3,2026-11-26T00:00:00.000Z,bench,user import,acme,user,agent{i:07d},create,,'
                f'"{after.replace(chr(34), chr(34) * 2)}"\r\n')
PY
echo "CSV: $rows rows, $(du -h "$work/agents.csv" | cut -f1)"

"$chatctl" --db "$work/empty.db" -q tenant create acme
"$chatctl" --db "$work/empty.db" -q profile add Sales -t acme

prepare="rm -f $work/floor.db*"
floor=$(measure sqlite3 "$work/floor.db" "PRAGMA journal_mode=WAL" \
  "CREATE TABLE users (login TEXT, name TEXT, email TEXT, profile TEXT, UNIQUE (login COLLATE NOCASE))" \
  ".import --csv --skip 1 $work/agents.csv users")
floor_history=$(measure sqlite3 "$work/floor.db" "PRAGMA journal_mode=WAL" \
  "CREATE TABLE users (login TEXT, name TEXT, email TEXT, profile TEXT, UNIQUE (login COLLATE NOCASE))" \
  "CREATE TABLE history (change INTEGER, at TEXT, actor TEXT, command TEXT, tenant TEXT, kind TEXT, key TEXT, action TEXT, before TEXT, after TEXT)" \
  "BEGIN" ".import --csv --skip 1 $work/agents.csv users" ".import --csv $work/history.csv history" "COMMIT")
cat >"$work/writes.sql" <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
CREATE TEMP TABLE csv (login TEXT, name TEXT, email TEXT, profile TEXT);
.import --csv --skip 1 $work/agents.csv csv
INSERT INTO users (tenant_id, login, name, email, profile_id)
  SELECT t.id, c.login, c.name, c.email,
         CASE WHEN c.profile = '' THEN t.default_profile_id ELSE p.id END
  FROM csv c JOIN tenants t ON t.key = 'acme'
  LEFT JOIN profiles p ON p.tenant_id = t.id AND p.name = c.profile COLLATE NOCASE;
INSERT INTO history (change, at, actor, command, tenant, kind, key, action, before, after)
  SELECT 3, '2026-11-26T00:00:00.000Z', 'bench', 'user import', 'acme', 'user', u.login,
         'create', NULL, json_object('tenant', 'acme', 'login', u.login, 'name', u.name,
                                     'email', u.email, 'profile', p.name)
  FROM users u JOIN profiles p ON p.id = u.profile_id ORDER BY u.login COLLATE NOCASE;
COMMIT;
SQL
prepare="rm -f $work/same.db*; cp $work/empty.db $work/same.db"
writes=$(measure sh -c "sqlite3 $work/same.db < $work/writes.sql")
prepare="rm -f $work/store.db*; cp $work/empty.db $work/store.db"
import=$(measure "$chatctl" --db "$work/store.db" -q user import -t acme "$work/agents.csv")
prepare=""
rm -f "$work"/store.db*
cp "$work/empty.db" "$work/store.db"
"$chatctl" --db "$work/store.db" -q user import -t acme "$work/agents.csv"
[ "$("$chatctl" --db "$work/store.db" tenant show acme -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["users"])')" = "$rows" ]
reimport=$(measure "$chatctl" --db "$work/store.db" -q user import -t acme "$work/agents.csv")
# Revert of the import, and revert of that revert, each from a copy of the store before it.
cp "$work/store.db" "$work/imported.db"
prepare="rm -f $work/rv.db*; cp $work/imported.db $work/rv.db"
revert=$(measure "$chatctl" --db "$work/rv.db" -q revert last)
[ "$("$chatctl" --db "$work/rv.db" tenant show acme -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["users"])')" = 0 ]
cp "$work/rv.db" "$work/reverted.db"
prepare="rm -f $work/rr.db*; cp $work/reverted.db $work/rr.db"
rerevert=$(measure "$chatctl" --db "$work/rr.db" -q revert last)
[ "$("$chatctl" --db "$work/rr.db" tenant show acme -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["users"])')" = "$rows" ]
prepare=""
scan=$(measure sqlite3 -csv "$work/store.db" "SELECT 'acme', u.login, u.name, u.email, p.name FROM users u JOIN profiles p ON p.id = u.profile_id ORDER BY u.login COLLATE NOCASE")
list=$(measure "$chatctl" --db "$work/store.db" user list -t acme -o csv)

# The same import and its reverts on PostgreSQL (a throwaway local cluster, fsync off, a
# Unix socket), with psql \copy of the file into a table of the same columns and a
# case-folding unique index as its floor; each revert starts from a copy of the database
# (CREATE DATABASE ... TEMPLATE).
pg_import=("0 0") pg_copy=("0 0") pg_revert=("0 0") pg_rerevert=("0 0")
if [ "${2:-}" = postgres ]; then
  pg_cluster
  users() { "$chatctl" --db "$(pg "$1")" tenant show acme -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["users"])'; }
  copy_db template1 empty
  "$chatctl" --db "$(pg empty)" -q tenant create acme
  "$chatctl" --db "$(pg empty)" -q profile add Sales -t acme
  prepare="copy_db template1 floor"
  pg_copy=$(measure psql -X -q -v ON_ERROR_STOP=1 "$(pg floor)" -1 \
    -c 'CREATE TABLE users (login text, name text, email text, profile text)' \
    -c 'CREATE UNIQUE INDEX ON users (lower(login COLLATE "C"))' \
    -c "\\copy users FROM '$work/agents.csv' CSV HEADER")
  prepare="copy_db empty store"
  pg_import=$(measure "$chatctl" --db "$(pg store)" -q user import -t acme "$work/agents.csv")
  copy_db empty imported
  "$chatctl" --db "$(pg imported)" -q user import -t acme "$work/agents.csv"
  [ "$(users imported)" = "$rows" ]
  prepare="copy_db imported rv"
  pg_revert=$(measure "$chatctl" --db "$(pg rv)" -q revert last)
  [ "$(users rv)" = 0 ]
  copy_db rv reverted
  prepare="copy_db reverted rr"
  pg_rerevert=$(measure "$chatctl" --db "$(pg rr)" -q revert last)
  [ "$(users rr)" = "$rows" ]
  prepare=""
fi

python3 - "$floor" "$floor_history" "$writes" "$scan" "$import" "$reimport" "$list" "$revert" "$rerevert" \
  "$pg_copy" "$pg_import" "$pg_revert" "$pg_rerevert" <<'PY'
import sys
(floor, floor_history, writes, scan, imp, reimp, lst, rev, rerev, pg_copy, pg_imp, pg_rev,
 pg_rerev) = [tuple(map(float, a.split())) for a in sys.argv[1:]]
def report(store, rows):
    for name, (secs, rss), base, label in rows:
        base = max(base, 0.01)
        print(f"{store}{name:20s} {secs:6.2f} s  {secs / base:5.2f}x ({label}, {base:.2f} s)  "
              f"peak {rss / 1024:6.0f} MB")
print(f"floors: sqlite3 .import {floor[0]:.2f} s, with history {floor_history[0]:.2f} s, "
      f"the same writes in SQL {writes[0]:.2f} s, scan {scan[0]:.2f} s")
report("", [("user import (new)", imp, floor[0], "sqlite3 .import"),
            ("user import (new)", imp, floor_history[0], ".import users+history"),
            ("user import (new)", imp, writes[0], "same writes"),
            ("user import (no-op)", reimp, floor[0], "sqlite3 .import"),
            ("user list -o csv", lst, scan[0], "scan"),
            ("revert the import", rev, imp[0], "the import"),
            ("revert that revert", rerev, imp[0], "the import")])
if pg_imp[0]:
    print(f"PostgreSQL floor: psql \\copy {pg_copy[0]:.2f} s")
    report("PostgreSQL ", [("user import (new)", pg_imp, pg_copy[0], "psql \\copy"),
                           ("revert the import", pg_rev, pg_imp[0], "the import"),
                           ("revert that revert", pg_rerev, pg_imp[0], "the import")])
PY
