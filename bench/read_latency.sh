#!/usr/bin/env bash
# Whole-process time of the commands a shell runs often, each as a ratio to the sqlite3
# shell doing the equivalent, timed side by side by hyperfine (medians of many runs):
#   start-up: --version, --help and a completion (`__complete profile ""`), against
#     `sqlite3 -version`;
#   reads: `profile list -t T -o json` and `user show L -t T -o json` on a store of
#     1,000 tenants x 100 users, against `sqlite3 -json` running the same query;
#   a write: `user add` (one commit; WAL, synchronous=FULL, as chatctl writes), against
#     sqlite3's INSERT of the same row with the same durability; the row is deleted
#     before each run of either (hyperfine --prepare), so every run adds it anew.
#   bash bench/read_latency.sh [RUNS]     (default 200 runs each)
# CHATCTL=PATH measures another build of chatctl (e.g. an older one) in the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
bench_packages=hyperfine
source bench/measure.sh
db=$work/store.db

# A real store (schema, triggers, WAL), then rows made in bulk by SQL.
"$chatctl" --db "$db" -q tenant create t0000
sqlite3 "$db" <<'SQL'
PRAGMA foreign_keys = ON;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO tenants (id, key, default_profile_id)
SELECT i + 1, printf('t%04d', i), (i + 1) * 10 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO profiles (id, tenant_id, name) SELECT (i + 1) * 10, i + 1, 'Default' FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO profiles (id, tenant_id, name, max_concurrent_chats)
SELECT (i + 1) * 10 + 1, i + 1, 'Experts', 5 FROM n;
WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i < 999),
               u(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM u WHERE j < 99)
INSERT INTO users (tenant_id, login, name, email, profile_id)
SELECT i + 1, printf('user%03d', j), printf('User %d', j), printf('user%d@t%d.example', j, i),
       CASE WHEN j % 2 = 0 THEN (i + 1) * 10 + 1
            ELSE (SELECT default_profile_id FROM tenants WHERE id = i + 1) END
FROM t, u;
COMMIT;
SQL
echo "store: $(sqlite3 "$db" 'SELECT count(*) FROM tenants') tenants, $(sqlite3 "$db" 'SELECT count(*) FROM users') users"

profile_sql="SELECT t.key AS tenant, p.name, p.id = t.default_profile_id AS [default],
 p.max_concurrent_chats, p.wrap_up_seconds, p.description,
 (SELECT count(*) FROM users u WHERE u.tenant_id = p.tenant_id AND u.profile_id = p.id) AS users
 FROM profiles p JOIN tenants t ON t.id = p.tenant_id WHERE t.key = 't0500'
 ORDER BY p.name COLLATE NOCASE, p.name"
user_sql="SELECT t.key AS tenant, u.login, u.name, u.email, p.name AS profile FROM users u
 JOIN tenants t ON t.id = u.tenant_id JOIN profiles p ON p.id = u.profile_id
 WHERE t.key = 't0500' AND u.login = 'USER050' COLLATE NOCASE"

# The answers must match before their times mean anything.
"$chatctl" --db "$db" profile list -t t0500 -o json | grep -q '"users": 50'
"$chatctl" --db "$db" user show USER050 -t t0500 -o json | grep -q '"login": "user050"'

insert_sql="PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;
 INSERT INTO users (tenant_id, login, name, email, profile_id)
 SELECT t.id, 'bench', 'Bench User', 'bench@t0500.example', t.default_profile_id
 FROM tenants t WHERE t.key = 't0500'"
delete_sql="DELETE FROM users WHERE login = 'bench'"
add="$chatctl --db $db -q user add bench -t t0500 --name 'Bench User' --email bench@t0500.example"
[ "$(sqlite3 "$db" 'PRAGMA journal_mode')" = wal ]
"$chatctl" --db "$db" user add bench -t t0500 -o json | grep -q '"action": "create"'
sqlite3 "$db" "$delete_sql"

# NAME CHATCTL_COMMAND FLOOR_COMMAND [HYPERFINE_OPTIONS...]: medians side by side.
compare() {
  local name=$1 ours=$2 floor=$3
  shift 3
  hyperfine -N --runs "$runs" --warmup 20 "$@" --export-json "$work/result.json" \
    "$ours" "$floor" >/dev/null
  python3 - "$work/result.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, floor = r[0]["median"], r[1]["median"]
# CPU time (user + system, means) tells the work apart from waiting on a busy machine.
cpu = [x["user"] + x["system"] for x in r]
print(f"{sys.argv[2]:13s} chatctl {ours*1000:6.2f} ms, floor {floor*1000:6.2f} ms (medians): "
      f"ratio {ours/floor:.2f}x; cpu {cpu[0]*1000:.1f} / {cpu[1]*1000:.1f} ms: {cpu[0]/cpu[1]:.2f}x")
PY
}

compare version "$chatctl --version" "sqlite3 -version"
compare help "$chatctl --help" "sqlite3 -version"
compare complete "$chatctl __complete profile ''" "sqlite3 -version"
compare profile "$chatctl --db $db profile list -t t0500 -o json" "sqlite3 -json $db \"$profile_sql\""
compare user "$chatctl --db $db user show USER050 -t t0500 -o json" "sqlite3 -json $db \"$user_sql\""
compare "user add" "$add" "sqlite3 $db \"$insert_sql\"" --prepare "sqlite3 $db \"$delete_sql\""
