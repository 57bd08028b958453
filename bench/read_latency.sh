#!/usr/bin/env bash
# Whole-process time of two read commands on a store of 1,000 tenants x 100 users, each
# as a ratio to the sqlite3 shell running the equivalent query on the same file, both
# timed side by side by hyperfine (median of many runs).
#   bash bench/read_latency.sh [RUNS]     (default 200 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
bash scripts/setup hyperfine
bash scripts/build >/dev/null
chatctl=$PWD/build/cli/chatctl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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

hyperfine -N --runs "$runs" --warmup 20 --export-json "$work/profile.json" \
  "$chatctl --db $db profile list -t t0500 -o json" \
  "sqlite3 -json $db \"$profile_sql\"" >/dev/null
hyperfine -N --runs "$runs" --warmup 20 --export-json "$work/user.json" \
  "$chatctl --db $db user show USER050 -t t0500 -o json" \
  "sqlite3 -json $db \"$user_sql\"" >/dev/null

for f in profile user; do
  python3 - "$work/$f.json" "$f" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, floor = r[0]["median"], r[1]["median"]
print(f"{sys.argv[2]:8s} chatctl {ours*1000:.2f} ms, sqlite3 {floor*1000:.2f} ms (median): ratio {ours/floor:.2f}x")
PY
done
