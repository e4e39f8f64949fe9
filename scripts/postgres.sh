#!/usr/bin/env bash
# A throwaway PostgreSQL cluster (Debian's postgresql package, no server of the
# OS started) on 127.0.0.1 for the store tests, itest on PostgreSQL and CI.
#
#   scripts/postgres.sh start   initdb (fresh every start), start, wait until ready, create the database
#   scripts/postgres.sh stop    stop the cluster in $PG_DIR (no error if none)
#   scripts/postgres.sh url     print the DATABASE_URL of the cluster (its role may CREATE DATABASE:
#                               itest gives each stack a database of its own)
#
# Environment:
#   PG_PORT   port on 127.0.0.1               (default 55432)
#   PG_DIR    working dir                     (default /tmp/orderflow-postgres-$PG_PORT)
#             data/ (the cluster, wiped on every start), postgres.log
#   PG_BIN    the server's bin directory      (default: the newest /usr/lib/postgresql/*/bin)
#
# PostgreSQL refuses to run as root: as root the cluster runs as the
# package's "postgres" user, so PG_DIR is outside the checkout (which that
# user may not write). Authentication is trust on loopback: a test cluster.
set -euo pipefail

PG_PORT="${PG_PORT:-55432}"
PG_DIR="${PG_DIR:-${TMPDIR:-/tmp}/orderflow-postgres-$PG_PORT}"
DB_NAME=orderflow
DB_USER=orderflow
READY_TIMEOUT_S=30

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

start() {
  [[ "$PG_PORT" =~ ^[1-9][0-9]{0,4}$ ]] || die "PG_PORT must be a TCP port, got '$PG_PORT'"
  local bin; bin="$(pg_bin)"
  stop >/dev/null
  rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$PG_DIR"
  as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
    { tail -20 "$PG_DIR/initdb.log" >&2; die "initdb failed (log: $PG_DIR/initdb.log)"; }
  # pg_signal_backend: itest's DROP DATABASE … WITH (FORCE) may have to end an
  # autovacuum worker on the stack's database. fsync off: a throwaway cluster; a crash loses it anyway. max_connections:
  # four services x two replicas x their pools, plus the tests.
  as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t "$READY_TIMEOUT_S" \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null ||
    { tail -20 "$PG_DIR/postgres.log" >&2; die "the server did not start (log: $PG_DIR/postgres.log)"; }
  as_owner "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE $DB_USER LOGIN CREATEDB" -c "GRANT pg_signal_backend TO $DB_USER" -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >/dev/null
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$PG_PORT ($PG_DIR)"
  url
}

stop() {
  local bin; bin="$(pg_bin)"
  if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
    as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
    say "stopped ($PG_DIR)"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) die "usage: $0 start|stop|url" ;;
esac
