#!/usr/bin/env bash
# pgbouncer (Debian's package) in front of the throwaway cluster of tests/pg/cluster.sh, in
# transaction mode with one server connection per database and role: every client of a
# sandbox's database shares one server session, the strictest pool chatctl may be behind.
# In session mode, each client keeps a server session of its own while it is connected.
#   pooler.sh start DIR [session]  start it on a socket in DIR/pooler (DIR/pooler-session
#                                  in session mode; no TCP), for the cluster in DIR
#   pooler.sh stop DIR [session]   stop it (the cluster stays)
# It runs as the postgres user (pgbouncer refuses root). Clients are trusted, as the
# cluster trusts its socket; the roles are the cluster's (cluster.sh).
set -euo pipefail
action=$1 dir=$2 mode=${3:-transaction}
pool=$dir/pooler
size=1
if [ "$mode" = session ]; then
  pool=$dir/pooler-session
  size=20 # a session holds its server connection: the eight writers each need one
fi
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop() {
  if [ -f "$pool/pgbouncer.pid" ]; then
    pid=$(cat "$pool/pgbouncer.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$pool"
}
case $action in
start)
  stop # what an interrupted run left
  as_postgres mkdir -p "$pool"
  as_postgres sh -c "printf '\"%s\" \"\"\n' postgres chatctl_app chatctl_pw chatctl_limited >'$pool/users.txt'"
  as_postgres tee "$pool/pgbouncer.ini" >/dev/null <<INI
[databases]
* = host=$dir/socket
[pgbouncer]
listen_port = 5432
unix_socket_dir = $pool
auth_type = trust
auth_file = $pool/users.txt
pool_mode = $mode
default_pool_size = $size
max_client_conn = 500
logfile = $pool/pgbouncer.log
pidfile = $pool/pgbouncer.pid
INI
  as_postgres pgbouncer -d -q "$pool/pgbouncer.ini" || { cat "$pool/pgbouncer.log" >&2; exit 1; }
  for _ in $(seq 100); do
    [ -S "$pool/.s.PGSQL.5432" ] && exit 0
    sleep 0.05
  done
  cat "$pool/pgbouncer.log" >&2
  exit 1
  ;;
stop)
  stop
  ;;
*)
  echo "usage: pooler.sh start|stop DIR [session]" >&2
  exit 64
  ;;
esac
