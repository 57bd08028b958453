#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, from Debian's postgresql package.
#   cluster.sh start DIR   initdb in DIR, start it on a socket in DIR/socket (no TCP),
#                          and create the DML-only role chatctl_app, the role
#                          chatctl_pw, the one that must give a password (its own is
#                          set by the test that uses it), and chatctl_limited, a role
#                          under a DBA's timeouts (idle in transaction 100 ms,
#                          statements 1 s)
#   cluster.sh restart DIR stop it (fast: sessions are ended) and start it again
#   cluster.sh stop DIR    stop it (and a pooler tests/pg/pooler.sh left) and remove DIR
# It runs as the postgres user (initdb refuses root), with fsync off: nothing in it is kept.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
action=$1 dir=$2
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop() {
  bash "$(dirname "$0")/pooler.sh" stop "$dir"
  bash "$(dirname "$0")/pooler.sh" stop "$dir" session
  [ -d "$dir/data" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
case $action in
start)
  stop # what an interrupted run left
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  chmod 0755 "$dir"
  as_postgres "$bin/initdb" -D "$dir/data" -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_postgres mkdir -p "$dir/socket"
  hba=$dir/data/pg_hba.conf # the first line that matches decides
  as_postgres sh -c "{ echo 'local all chatctl_pw scram-sha-256'; cat '$hba'; } >'$hba.new' && mv '$hba.new' '$hba'"
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
    "-k $dir/socket -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  psql -X -q -v ON_ERROR_STOP=1 "postgresql:///postgres?host=$dir/socket&user=postgres" \
    -c "CREATE ROLE chatctl_app LOGIN" -c "CREATE ROLE chatctl_pw LOGIN SUPERUSER" \
    -c "CREATE ROLE chatctl_limited LOGIN" \
    -c "ALTER ROLE chatctl_limited SET idle_in_transaction_session_timeout = '100ms'" \
    -c "ALTER ROLE chatctl_limited SET statement_timeout = '1s'" >/dev/null
  ;;
restart)
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w restart >/dev/null
  ;;
stop)
  stop
  ;;
*)
  echo "usage: cluster.sh start|restart|stop DIR" >&2
  exit 64
  ;;
esac
