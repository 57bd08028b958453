#!/usr/bin/env bash
# apply to an empty store, re-apply (no-op), plan and export of a declaration of
# TENANTS x USERS users, each as a ratio to floors measured in the same run:
#   parse:  yaml-cpp's event parser over the same file, doing nothing (bench/yaml_parse_floor)
#   insert: sqlite3 .import of the same users as CSV into a table with a UNIQUE index,
#           one transaction, WAL
# Peak memory (max RSS) is reported for each chatctl command.
#   bash bench/declaration_bench.sh [TENANTS] [USERS_PER_TENANT]   (default 10 x 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
tenants=${1:-10}
users=${2:-10000}
bash scripts/setup time
bash scripts/build >/dev/null
chatctl=$PWD/build/cli/chatctl
floor=$PWD/build/bench/yaml_parse_floor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 bench/gen_declaration.py "$tenants" "$users" "$work/decl.yaml" "$work/users.csv"
echo "declaration: $tenants tenants x $users users, $(du -h "$work/decl.yaml" | cut -f1)"

# Runs a command, prints "seconds max_rss_kb" (of the best of 3 runs).
measure() {
  local best="" line
  for _ in 1 2 3; do
    if [ -n "$prepare" ]; then eval "$prepare"; fi
    /usr/bin/time -o "$work/time" -f "%e %M" "$@" >/dev/null 2>&1 || true
    line=$(tail -1 "$work/time")
    if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
      best=$line
    fi
  done
  echo "$best"
}

prepare=""
parse=$(measure "$floor" "$work/decl.yaml")
prepare="rm -f $work/floor.db*"
insert=$(measure sqlite3 "$work/floor.db" "PRAGMA journal_mode=WAL" \
  "CREATE TABLE users (tenant TEXT, login TEXT, name TEXT, email TEXT, profile TEXT, UNIQUE (tenant, login))" \
  ".mode csv" ".import $work/users.csv users")
prepare="rm -f $work/store.db*"
apply=$(measure "$chatctl" --db "$work/store.db" -q apply -f "$work/decl.yaml")
prepare=""
"$chatctl" --db "$work/store.db" -q apply -f "$work/decl.yaml"
reapply=$(measure "$chatctl" --db "$work/store.db" -q apply -f "$work/decl.yaml")
plan=$(measure "$chatctl" --db "$work/store.db" -q plan -f "$work/decl.yaml" || true)
export_=$(measure "$chatctl" --db "$work/store.db" export)

python3 - "$parse" "$insert" "$apply" "$reapply" "$plan" "$export_" <<'PY'
import sys
(parse, insert, apply, reapply, plan, export) = [tuple(map(float, a.split())) for a in sys.argv[1:]]
floor = parse[0] + insert[0]
print(f"floors: parse {parse[0]:.2f} s, insert {insert[0]:.2f} s (sum {floor:.2f} s)")
for name, (secs, rss) in [("apply (empty store)", apply), ("re-apply (no-op)", reapply),
                          ("plan (in sync)", plan), ("export", export)]:
    print(f"{name:20s} {secs:6.2f} s  {secs / floor:5.2f}x (parse+insert)  "
          f"{secs / parse[0]:5.2f}x (parse)  peak {rss / 1024:6.0f} MB")
PY
