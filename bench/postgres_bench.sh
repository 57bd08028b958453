#!/usr/bin/env bash
# The PostgreSQL store: apply to an empty store, re-apply (no-op), plan and export of a
# declaration of TENANTS x USERS users, on a throwaway local cluster (tests/pg/cluster.sh,
# fsync off, a Unix socket), each as a ratio to floors measured in the same run:
#   parse:  libyaml's parser over the same file, doing nothing (bench/yaml_parse_floor)
#   copy:   psql \copy of the same users as CSV into a table with the same case-folding
#           unique index, and of one history row per user (the JSON text chatctl records)
#           into a table of history's columns, one transaction
#   scan:   psql reading the store's users in key order (tenant, folded login), with their
#           profile names, to /dev/null
#   fwrite: the export's own text written with plain fwrite (bench/fwrite_floor)
# apply is compared with parse+copy, re-apply and plan with parse+scan, export with
# scan+fwrite; the first export just after the apply is timed once too. Peak memory (max
# RSS) is reported for each chatctl command (the client's: the server's is its own).
#   bash bench/postgres_bench.sh [TENANTS] [USERS_PER_TENANT]   (default 10 x 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
tenants=${1:-10}
users=${2:-10000}
source bench/measure.sh
floor=$PWD/build/bench/yaml_parse_floor
fwrite=$PWD/build/bench/fwrite_floor
pg_cluster
store=$(pg bench)
fresh() { sql -c "DROP DATABASE IF EXISTS bench WITH (FORCE)" -c "CREATE DATABASE bench"; }

python3 bench/gen_declaration.py "$tenants" "$users" "$work/decl.yaml" "$work/users.csv" \
  "$work/history.csv"
echo "declaration: $tenants tenants x $users users, $(du -h "$work/decl.yaml" | cut -f1)"

parse=$(measure "$floor" "$work/decl.yaml")
prepare="fresh"
copy=$(measure psql -X -q -v ON_ERROR_STOP=1 "$store" -1 \
  -c 'CREATE TABLE users (tenant text, login text, name text, email text, profile text)' \
  -c 'CREATE UNIQUE INDEX ON users (tenant, lower(login COLLATE "C"))' \
  -c 'CREATE TABLE history (change bigint, at text, actor text, command text, tenant text, kind text, key text, action text, before text, after text)' \
  -c "\\copy users FROM '$work/users.csv' CSV" -c "\\copy history FROM '$work/history.csv' CSV")
apply=$(measure "$chatctl" --db "$store" -q apply -f "$work/decl.yaml")
prepare=""
fresh
"$chatctl" --db "$store" -q apply -f "$work/decl.yaml"
# Once, at once: the first read after a large apply, before autovacuum has seen its rows.
/usr/bin/time -o "$work/time" -f "%e %M" "$chatctl" --db "$store" export >/dev/null
first_export=$(tail -1 "$work/time")
reapply=$(measure "$chatctl" --db "$store" -q apply -f "$work/decl.yaml")
plan=$(measure "$chatctl" --db "$store" -q plan -f "$work/decl.yaml")
scan=$(measure psql -X -q "$store" -c "\\copy (SELECT t.key, u.login, u.name, u.email, p.name FROM users u JOIN tenants t ON t.id = u.tenant_id JOIN profiles p ON p.id = u.profile_id ORDER BY u.tenant_id, lower(u.login COLLATE \"C\")) TO '/dev/null'")
export_=$(measure "$chatctl" --db "$store" export)
"$chatctl" --db "$store" export >"$work/export.yaml"
write=$(measure "$fwrite" "$work/export.yaml")

python3 bench/report.py copy "$parse" "$copy" "$scan" "$write" "$apply" "$reapply" "$plan" "$export_"
read -r secs rss <<<"$first_export"
awk -v s="$secs" -v r="$rss" -v scan="${scan%% *}" -v w="${write%% *}" 'BEGIN {
  f = scan + w; if (f < 0.01) f = 0.01
  printf "%-20s %6.2f s  %5.2fx (scan+fwrite, %.2f s)  peak %6.0f MB  (one run)\n", "export, just after", s, s / f, f, r / 1024 }'
