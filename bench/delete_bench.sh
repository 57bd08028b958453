#!/usr/bin/env bash
# Deleting users against creating them, in the same run: ROWS agents (default 100,000)
# created by `user import` into an empty tenant, then, each from a copy of that store,
# all of them deleted by `user delete --all` and by `tenant delete --force`; each delete
# printed as a ratio to the import, in wall time and in chatctl's CPU time (user+system).
# With `postgres`, the same on a throwaway PostgreSQL cluster, each command also run once
# more with `log_statement=all` to count the statements it sends.
#   bash bench/delete_bench.sh [ROWS] [postgres]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
time_format="%e %M %U %S"
source bench/measure.sh

awk -v n="$rows" 'BEGIN {
  print "login,name,email,profile"
  for (i = 0; i < n; i++)
    printf "agent%07d,Agent %d,agent%d@example.com,%s\n", i, i, i, (i % 2 ? "Sales" : "")
}' >"$work/agents.csv"
echo "CSV: $rows rows, $(du -h "$work/agents.csv" | cut -f1)"

results=()
# one measured command: LABEL STORE_TEXT ARGS... (after $prepare, best of 3)
run() {
  local label=$1 db=$2
  shift 2
  results+=("$label|$(measure "$chatctl" --db "$db" -q "$@")")
}

"$chatctl" --db "$work/empty.db" -q tenant create acme
"$chatctl" --db "$work/empty.db" -q profile add Sales -t acme
prepare="rm -f $work/store.db*; cp $work/empty.db $work/store.db"
run "SQLite user import" "$work/store.db" user import -t acme "$work/agents.csv"
cp "$work/store.db" "$work/imported.db"
[ "$("$chatctl" --db "$work/imported.db" user list -t acme -o csv | wc -l)" = $((rows + 1)) ]
prepare="rm -f $work/d.db*; cp $work/imported.db $work/d.db"
run "SQLite user delete --all" "$work/d.db" user delete --all -t acme
[ "$("$chatctl" --db "$work/d.db" user list -t acme -o csv | wc -l)" = 1 ]
run "SQLite tenant delete --force" "$work/d.db" tenant delete acme --force
[ "$("$chatctl" --db "$work/d.db" tenant list -o csv | wc -l)" = 1 ]

if [ "${2:-}" = postgres ]; then
  pg_cluster
  # The statements one run of a command sends, as the server logs them.
  statements() {
    local before
    before=$(grep -cE 'LOG:  (statement|execute)' "$cluster/server.log" || true)
    PGOPTIONS="$PGOPTIONS -c log_statement=all" "$chatctl" --db "$(pg "$1")" -q "${@:2}"
    echo $(($(grep -cE 'LOG:  (statement|execute)' "$cluster/server.log") - before))
  }
  copy_db template1 empty
  "$chatctl" --db "$(pg empty)" -q tenant create acme
  "$chatctl" --db "$(pg empty)" -q profile add Sales -t acme
  prepare="copy_db empty store"
  run "PostgreSQL user import" "$(pg store)" user import -t acme "$work/agents.csv"
  copy_db store imported
  prepare="copy_db imported d"
  run "PostgreSQL user delete --all" "$(pg d)" user delete --all -t acme
  run "PostgreSQL tenant delete --force" "$(pg d)" tenant delete acme --force
  prepare=""
  copy_db empty counted
  counts=("$(statements counted user import -t acme "$work/agents.csv")")
  copy_db counted d
  counts+=("$(statements d user delete --all -t acme)")
  copy_db counted d
  counts+=("$(statements d tenant delete acme --force)")
  echo "PostgreSQL statements sent: import ${counts[0]}, user delete --all ${counts[1]}," \
    "tenant delete --force ${counts[2]}"
fi

printf '%s\n' "${results[@]}" | python3 -c '
import sys
base = None
for line in sys.stdin:
    label, figures = line.rstrip("\n").split("|")
    secs, rss, user, system = map(float, figures.split())
    cpu = user + system
    if label.endswith("import"):
        base = (max(secs, 0.01), max(cpu, 0.01))
        ratio = ""
    else:
        ratio = f"  {secs / base[0]:5.2f}x wall, {cpu / base[1]:5.2f}x CPU (the import)"
    print(f"{label:34s} {secs:6.2f} s, CPU {cpu:6.2f} s, peak {rss / 1024:4.0f} MB{ratio}")
'
