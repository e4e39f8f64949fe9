#!/usr/bin/env bash
# The one way orderflow starts a throwaway PostgreSQL cluster (Debian's
# postgresql package, no server of the OS started): the store tests, itest on
# PostgreSQL and CI call it directly; flowctl runs it for its own cluster in
# .run/postgres (flowctl/internal/stack/native/postgres.go), and the image
# orderflow/postgres runs it as its entrypoint (deploy/docker/postgres).
#
#   scripts/postgres.sh start   initdb (fresh every start unless PG_KEEP=1), start in the background,
#                               wait until ready, create the role and databases; prints the URL
#   scripts/postgres.sh run     the same cluster in the foreground (a container's entrypoint):
#                               initdb and the role and databases on first start only
#   scripts/postgres.sh stop    stop the cluster in $PG_DIR (no error if none)
#   scripts/postgres.sh url     print the DATABASE_URL of the cluster (its role may CREATE DATABASE:
#                               itest and flowctl give each stack a database of its own)
#
# Environment:
#   PG_PORT        port                                   (default 25432: below the machine's
#                  ephemeral ports, 32768+, where an outgoing connection could hold it)
#   PG_DIR         working dir: data/ (the cluster), postgres.log, initdb.log
#                                                         (default /tmp/orderflow-postgres-$PG_PORT)
#   PG_DATA        the cluster's directory                (default $PG_DIR/data; a container: its volume)
#   PG_BIN         the server's bin directory             (default: the newest /usr/lib/postgresql/*/bin)
#   PG_KEEP        1: start keeps an existing cluster     (default: wiped on every start)
#   PG_LISTEN      listen_addresses                       (default 127.0.0.1; a container: *)
#   PG_SOCKET_DIR  unix socket directory                  (default none: TCP only; a run dir's path may
#                                                         be longer than a socket's may be)
#   PG_DATABASES   more databases for the role, space-separated (default none)
#   PG_CLIENTS     service processes (replicas) the cluster serves at once (default 24: three stacks
#                  of four services with two replicas each); sizes max_connections, below
#
# PostgreSQL refuses to run as root: as root the cluster runs as the
# package's "postgres" user, so PG_DIR is outside the checkout (which that
# user may not write). Authentication is trust (on loopback; a container's
# cluster on its network only): a test cluster. fsync off: a crash loses a
# throwaway cluster anyway.
set -euo pipefail

PG_PORT="${PG_PORT:-25432}"
PG_DIR="${PG_DIR:-${TMPDIR:-/tmp}/orderflow-postgres-$PG_PORT}"
PG_LISTEN="${PG_LISTEN:-127.0.0.1}"
PG_SOCKET_DIR="${PG_SOCKET_DIR:-}"
PG_CLIENTS="${PG_CLIENTS:-24}"
DATA="${PG_DATA:-$PG_DIR/data}"
DB_NAME=orderflow
DB_USER=orderflow
READY_TIMEOUT_S=30

# max_connections = PG_CLIENTS x 2 pools x 8 + 20: every service process
# opens a writer pool and a read pool of up to 8 connections each
# (platform/database's pgPool), and 20 more are for the tests' own
# connections, psql, flowctl's administrative ones and the superuser's
# reserved three.
POOLS_PER_CLIENT=2
POOL_SIZE=8
SPARE_CONNECTIONS=20

say() { printf 'postgres: %s\n' "$*"; }
die() { printf 'postgres: error: %s\n' "$*" >&2; exit 1; }

pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then printf '%s\n' "$PG_BIN"; return; fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [[ -n "$d" ]] || die "no PostgreSQL server found; install it: apt-get install -y postgresql"
  printf '%s\n' "$d"
}

# as_owner runs a command as the cluster's owner: "postgres" when we are root.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() { printf 'postgres://%s@127.0.0.1:%s/%s?sslmode=disable\n' "$DB_USER" "$PG_PORT" "$DB_NAME"; }

check_env() {
  [[ "$PG_PORT" =~ ^[1-9][0-9]{0,4}$ ]] || die "PG_PORT must be a TCP port, got '$PG_PORT'"
  [[ "$PG_CLIENTS" =~ ^[1-9][0-9]{0,3}$ ]] || die "PG_CLIENTS must be a number of processes (1-9999), got '$PG_CLIENTS'"
}

# server_opts are the server's settings as postgres' arguments, one a line.
server_opts() {
  printf '%s\n' -p "$PG_PORT" -c "listen_addresses=$PG_LISTEN" -c "unix_socket_directories=$PG_SOCKET_DIR" \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c "max_connections=$((PG_CLIENTS * POOLS_PER_CLIENT * POOL_SIZE + SPARE_CONNECTIONS))"
}

# pg_ctl_opts is server_opts as pg_ctl's -o, which a shell reads: each
# argument single-quoted (listen_addresses=* must not glob).
pg_ctl_opts() {
  local a out=()
  while IFS= read -r a; do out+=("'$a'"); done < <(server_opts)
  printf '%s' "${out[*]}"
}

# init makes the cluster and, on a server started on loopback for the
# purpose, its role and databases. pg_signal_backend: itest's DROP DATABASE …
# WITH (FORCE) may have to end an autovacuum worker on the stack's database.
init() {
  local bin="$1" db
  mkdir -p "$PG_DIR"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$PG_DIR"
  as_owner "$bin/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
    { tail -20 "$PG_DIR/initdb.log" >&2; die "initdb failed (log: $PG_DIR/initdb.log)"; }
  if [[ "$PG_LISTEN" != 127.0.0.1 ]]; then
    printf 'host all all 0.0.0.0/0 trust\nhost all all ::/0 trust\n' | as_owner tee -a "$DATA/pg_hba.conf" >/dev/null
  fi
  local sql=(-c "CREATE ROLE $DB_USER LOGIN CREATEDB" -c "GRANT pg_signal_backend TO $DB_USER" -c "CREATE DATABASE $DB_NAME OWNER $DB_USER")
  for db in ${PG_DATABASES:-}; do sql+=(-c "CREATE DATABASE $db OWNER $DB_USER"); done
  launch "$bin"
  as_owner "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 "${sql[@]}" >/dev/null
}

# launch starts the server in the background and waits until it is ready.
launch() {
  local bin="$1"
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$PG_DIR/postgres.log" -w -t "$READY_TIMEOUT_S" -o "$(pg_ctl_opts)" start >/dev/null ||
    { tail -20 "$PG_DIR/postgres.log" >&2; die "the server did not start (log: $PG_DIR/postgres.log)"; }
}

start() {
  check_env
  local bin; bin="$(pg_bin)"
  stop >/dev/null
  if [[ "${PG_KEEP:-}" == 1 && -s "$DATA/PG_VERSION" ]]; then
    launch "$bin"
  else
    rm -rf "$PG_DIR" "$DATA"
    init "$bin"
  fi
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready on $PG_LISTEN:$PG_PORT ($PG_DIR)"
  url
}

run() {
  check_env
  local bin; bin="$(pg_bin)"
  if [[ ! -s "$DATA/PG_VERSION" ]]; then
    init "$bin"
    as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  fi
  local opts; mapfile -t opts < <(server_opts)
  if [[ "$(id -u)" == 0 ]]; then exec runuser -u postgres -- "$bin/postgres" -D "$DATA" "${opts[@]}"; fi
  exec "$bin/postgres" -D "$DATA" "${opts[@]}"
}

# stop stops a running cluster. A postmaster.pid whose server is gone (the
# machine restarted, or the server was killed) is stale: pg_ctl stop would
# fail on it, so it is removed instead and the cluster counts as stopped.
stop() {
  local bin; bin="$(pg_bin)"
  [[ -f "$DATA/postmaster.pid" ]] || return 0
  if ! as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    rm -f "$DATA/postmaster.pid"
    say "no server running; removed a stale postmaster.pid ($PG_DIR)"
    return 0
  fi
  as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  say "stopped ($PG_DIR)"
}

case "${1:-}" in
  start) start ;;
  run) run ;;
  stop) stop ;;
  url) url ;;
  *) die "usage: $0 start|run|stop|url" ;;
esac
