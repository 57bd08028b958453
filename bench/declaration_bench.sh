#!/usr/bin/env bash
# apply to an empty store, re-apply (no-op), plan and export of a declaration of
# TENANTS x USERS users, each as a ratio to floors measured in the same run:
#   parse:  libyaml's parser over the same file, doing nothing (bench/yaml_parse_floor)
#   import: sqlite3 .import of the same users as CSV into a table with a UNIQUE index,
#           and of one history row per user (the same JSON text chatctl records) into a
#           table of history's columns, one transaction, WAL
#   scan:   sqlite3 reading the store's users in key order (tenant, login), with their
#           profile names, to /dev/null
#   fwrite: the export's own text written with plain fwrite (bench/fwrite_floor)
# apply is compared with parse+import, re-apply and plan with parse+scan, export with
# scan+fwrite. Peak memory (max RSS) is reported for each chatctl command.
#   bash bench/declaration_bench.sh [TENANTS] [USERS_PER_TENANT]   (default 10 x 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
tenants=${1:-10}
users=${2:-10000}
source bench/measure.sh
floor=$PWD/build/bench/yaml_parse_floor
fwrite=$PWD/build/bench/fwrite_floor

python3 bench/gen_declaration.py "$tenants" "$users" "$work/decl.yaml" "$work/users.csv" \
  "$work/history.csv"
echo "declaration: $tenants tenants x $users users, $(du -h "$work/decl.yaml" | cut -f1)"

parse=$(measure "$floor" "$work/decl.yaml")
prepare="rm -f $work/floor.db*"
import=$(measure sqlite3 "$work/floor.db" "PRAGMA journal_mode=WAL" \
  "CREATE TABLE users (tenant TEXT, login TEXT, name TEXT, email TEXT, profile TEXT, UNIQUE (tenant, login))" \
  "CREATE TABLE history (change INTEGER, at TEXT, actor TEXT, command TEXT, tenant TEXT, kind TEXT, key TEXT, action TEXT, before TEXT, after TEXT)" \
  "BEGIN" ".mode csv" ".import $work/users.csv users" ".import $work/history.csv history" "COMMIT")
prepare="rm -f $work/store.db*"
apply=$(measure "$chatctl" --db "$work/store.db" -q apply -f "$work/decl.yaml")
prepare=""
"$chatctl" --db "$work/store.db" -q apply -f "$work/decl.yaml"
reapply=$(measure "$chatctl" --db "$work/store.db" -q apply -f "$work/decl.yaml")
plan=$(measure "$chatctl" --db "$work/store.db" -q plan -f "$work/decl.yaml" || true)
scan=$(measure sqlite3 "$work/store.db" "SELECT t.key, u.login, u.name, u.email, p.name FROM users u JOIN tenants t ON t.id = u.tenant_id JOIN profiles p ON p.id = u.profile_id ORDER BY u.tenant_id, u.login COLLATE NOCASE")
export_=$(measure "$chatctl" --db "$work/store.db" export)
"$chatctl" --db "$work/store.db" export >"$work/export.yaml"
write=$(measure "$fwrite" "$work/export.yaml")

python3 bench/report.py import "$parse" "$import" "$scan" "$write" "$apply" "$reapply" "$plan" "$export_"
