#!/usr/bin/env bash
# Records issue 22's scaling numbers (docs/operations.md, "Scaling"), natively on
# this machine, each part into its own directory here:
#   bench-sqlite/    flowctl bench --mode all, the default store (SQLite)
#   bench-pg/        the same on PostgreSQL 15 (one database per stack)
#   bench-pg-r3/     the same with inventory-svc as 3 replicas
#   cluster/         the events stack on Apache Kafka 4.1.1 in Docker: one broker
#                    against the 3-broker KRaft cluster (RF 3, min ISR 2):
#                    flowctl bench and a steady flowctl load on each
#   scale-out/       flowctl scenario scale-out --mode all on PostgreSQL
#
#   docs/runs/2026-12-07-scale-out/record.sh [part…]   (parts: sqlite pg pg-r3 cluster scale-out)
#
# Own run dir, ports and PostgreSQL (PG_PORT 55499), so a stack you have running
# is not touched; Jaeger is not started (its ports are fixed). The cluster part
# needs the Docker images (make images-offline) and removes only its brokers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
run=$(mktemp -d)
bin="$run/flowctl"
go build -o "$bin" ./flowctl
fc() { RUNTIME=native "$bin" --run-dir "$run/run" --port-base "${PORT_BASE:-17000}" --broker-port "${BROKER_PORT:-17900}" "$@"; }
export PG_PORT=${PG_PORT:-55499}
cleanup() {
  fc down >/dev/null 2>&1 || true
  scripts/postgres.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
wanted() { ((${#parts[@]} == 0)) || [[ " ${parts[*]} " == *" $1 "* ]]; }
parts=("$@")
bench_flags=(--no-jaeger --start 100 --factor 2 --max 6400 --baseline-max 25600 --step-duration 5s --settle 5s --pause 1s)
# PG_BENCH_FLAGS: the PostgreSQL benches' flags (shorter steps, baselines cut short) when time is short.
read -ra pg_bench_flags <<<"${PG_BENCH_FLAGS:-${bench_flags[*]}}"

# bench NAME MODE [flags…]: one flowctl bench into $here/NAME, its terminal output in NAME.txt.
bench() {
  local name=$1 mode=$2; shift 2
  echo "== $name: flowctl bench --mode $mode $*"
  fc down >/dev/null 2>&1 || true
  rm -rf "${run:?}/run/postgres" "$here/$name"
  fc bench --mode "$mode" "$@" --out "${here#"$PWD"/}/$name" | tee "$here/$name.txt"
  mv "$here/$name"/*/* "$here/$name/" && rmdir "$here/$name"/*/ 2>/dev/null || true
}

# nproc and the load beside the run: the ceilings are read by the cores.
{ echo "cores: $(nproc)"; uptime; } | tee "$here/machine.txt"

if wanted sqlite; then bench bench-sqlite all "${bench_flags[@]}"; fi
if wanted pg || wanted pg-r3 || wanted scale-out; then
  scripts/postgres.sh start
  export DATABASE_URL=$(scripts/postgres.sh url)
fi
# BENCH_MODE: the PostgreSQL benches on fewer stacks (both = sync and events) when time is short.
if wanted pg; then bench bench-pg "${BENCH_MODE:-all}" "${pg_bench_flags[@]}"; fi
if wanted pg-r3; then bench bench-pg-r3 "${BENCH_MODE:-all}" "${pg_bench_flags[@]}" --replicas inventory-svc=3; fi
if wanted scale-out; then
  # compare runs the scenario and writes the report: its scale-out section and the five-questions row.
  echo "== scale-out: flowctl compare --mode all --scenarios scale-out"
  fc down >/dev/null 2>&1 || true
  rm -rf "$here/scale-out"
  fc compare --mode all --scenarios scale-out --no-jaeger --rate "${SCALE_RATE:-100}" --out "${here#"$PWD"/}/scale-out" | tee "$here/scale-out.txt"
  mv "$here/scale-out"/*/* "$here/scale-out/" && rmdir "$here/scale-out"/*/ 2>/dev/null || true
fi
unset DATABASE_URL
if wanted cluster; then exec "$here/cluster.sh" "$bin" "$run"; fi
