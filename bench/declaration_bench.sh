#!/usr/bin/env bash
# apply to an empty store, re-apply (no-op), plan and export of a declaration of
# TENANTS x USERS users, each as a ratio to floors measured in the same run:
#   parse:  yaml-cpp's event parser over the same file, doing nothing (bench/yaml_parse_floor)
#   import: sqlite3 .import of the same users as CSV into a table with a UNIQUE index,
#           one transaction, WAL
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
bash scripts/setup time
bash scripts/build >/dev/null
chatctl=${CHATCTL:-$PWD/build/cli/chatctl} # CHATCTL=PATH measures another build
floor=$PWD/build/bench/yaml_parse_floor
fwrite=$PWD/build/bench/fwrite_floor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 bench/gen_declaration.py "$tenants" "$users" "$work/decl.yaml" "$work/users.csv"
echo "declaration: $tenants tenants x $users users, $(du -h "$work/decl.yaml" | cut -f1)"

source bench/measure.sh

parse=$(measure "$floor" "$work/decl.yaml")
prepare="rm -f $work/floor.db*"
import=$(measure sqlite3 "$work/floor.db" "PRAGMA journal_mode=WAL" \
  "CREATE TABLE users (tenant TEXT, login TEXT, name TEXT, email TEXT, profile TEXT, UNIQUE (tenant, login))" \
  ".mode csv" ".import $work/users.csv users")
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

python3 - "$parse" "$import" "$scan" "$write" "$apply" "$reapply" "$plan" "$export_" <<'PY'
import sys
(parse, imp, scan, write, apply, reapply, plan, export) = [tuple(map(float, a.split())) for a in sys.argv[1:]]
print(f"floors: parse {parse[0]:.2f} s, import {imp[0]:.2f} s, scan {scan[0]:.2f} s, fwrite {write[0]:.2f} s")
for name, (secs, rss), floor, label in [
        ("apply (empty store)", apply, parse[0] + imp[0], "parse+import"),
        ("re-apply (no-op)", reapply, parse[0] + scan[0], "parse+scan"),
        ("plan (in sync)", plan, parse[0] + scan[0], "parse+scan"),
        ("export", export, scan[0] + write[0], "scan+fwrite")]:
    floor = max(floor, 0.01)  # a tiny run rounds its floor to 0
    print(f"{name:20s} {secs:6.2f} s  {secs / floor:5.2f}x ({label}, {floor:.2f} s)  "
          f"peak {rss / 1024:6.0f} MB")
PY
