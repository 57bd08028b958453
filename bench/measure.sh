# Sourced by the benchmarks, from the project's root, first: installs `time` (and the
# packages in $bench_packages), builds (the floors are built beside chatctl), and sets
# $chatctl (CHATCTL=PATH measures another build, an older one say) and $work, a scratch
# folder removed on exit (a benchmark that removes more sets its own trap, and removes
# $work in it). `measure CMD...` runs a command three times (after `eval "$prepare"`
# each time, when set) and prints "seconds max_rss_kb" of the fastest (or the fields of
# $time_format, GNU time's, when set: the first must be the seconds).
bash scripts/setup time ${bench_packages:-}
bash scripts/build >/dev/null
chatctl=${CHATCTL:-$PWD/build/cli/chatctl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prepare=""
measure() {
  local best="" line
  for _ in 1 2 3; do
    if [ -n "$prepare" ]; then eval "$prepare"; fi
    /usr/bin/time -o "$work/time" -f "${time_format:-%e %M}" "$@" >"$work/out" 2>/dev/null || true
    line=$(tail -1 "$work/time")
    if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
      best=$line
    fi
  done
  echo "$best"
}
# `pg_cluster` starts a throwaway PostgreSQL cluster for the rest of the run
# (tests/pg/cluster.sh: PostgreSQL 15, a Unix socket, fsync off), removed on exit with
# $work; then `pg DB` is a database's URI on it, `sql ARGS...` psql as its superuser, and
# `copy_db FROM TO` makes TO a copy of FROM (CREATE DATABASE ... TEMPLATE).
pg_cluster() {
  cluster=$(mktemp -d /tmp/chatctl-bench-pg-XXXXXX)
  trap 'bash tests/pg/cluster.sh stop "$cluster"; rm -rf "$work"' EXIT
  bash tests/pg/cluster.sh start "$cluster"
  chmod 0755 "$work"
  export PGOPTIONS="-c client_min_messages=warning"
}
pg() { echo "postgresql:///$1?host=$cluster/socket&user=postgres"; }
sql() { psql -X -q -v ON_ERROR_STOP=1 "$(pg postgres)" "$@"; }
copy_db() { sql -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)" -c "CREATE DATABASE $2 TEMPLATE $1"; }
