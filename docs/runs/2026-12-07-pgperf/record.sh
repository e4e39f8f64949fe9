#!/usr/bin/env bash
# run.sh TAG ROOT FLOWCTL MODE MAX [extra bench flags...]: one bench on a fresh
# PostgreSQL 15 cluster on 55470 (pg_stat_statements loaded), under the e2e lock.
set -euo pipefail
tag=$1 root=$2 bin=$3 mode=$4 max=$5; shift 5
PGDIR=/tmp/orderflow-postgres-55470
cd /work/wt-pgperf
PG_PORT=55470 scripts/postgres.sh start >/dev/null 3>&-  # the cluster must not keep the e2e lock open
psql -h 127.0.0.1 -p 55470 -U postgres -qAtc "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D $PGDIR/data -l $PGDIR/postgres.log -w restart >/dev/null 3>&-
psql -h 127.0.0.1 -p 55470 -U postgres -d orderflow -qAtc "CREATE EXTENSION pg_stat_statements"
export DATABASE_URL="postgres://orderflow@127.0.0.1:55470/orderflow?sslmode=disable"
cpu0=$(/tmp/pgperf/pgcpu.sh $PGDIR)
rm -rf /tmp/pgperf/run-$tag /tmp/pgperf/out-$tag
start=$(date +%s)
cd "$root"
"$bin" --run-dir /tmp/pgperf/run-$tag --port-base 21000 --broker-port 21900 bench --mode "$mode" --no-jaeger \
  --start 50 --factor 2 --max "$max" --baseline-max "$max" --step-duration 5s --settle 5s --pause 1s --out /tmp/pgperf/out-$tag "$@" >/tmp/pgperf/$tag.log 2>&1 || echo "bench exit $?"
"$bin" --run-dir /tmp/pgperf/run-$tag --port-base 21000 --broker-port 21900 down --mode all >>/tmp/pgperf/$tag.log 2>&1 || echo "down exit $?"
cpu1=$(/tmp/pgperf/pgcpu.sh $PGDIR)
echo "$tag: $(( $(date +%s) - start )) s wall; PostgreSQL CPU $(echo "$cpu1 - $cpu0" | bc) s"
psql -h 127.0.0.1 -p 55470 -U postgres -d orderflow -qAtc "select datname, xact_commit, xact_rollback, deadlocks from pg_stat_database where datname like 'orderflow%'" > /tmp/pgperf/$tag.db.txt
psql -h 127.0.0.1 -p 55470 -U postgres -d orderflow -qAc "select calls, round(total_exec_time::numeric,0) ms, round(mean_exec_time::numeric,3) mean_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) q from pg_stat_statements order by total_exec_time desc limit 25" > /tmp/pgperf/$tag.stmts.txt
grep -c "could not serialize" $PGDIR/postgres.log > /tmp/pgperf/$tag.serial.txt || true
grep -c "deadlock detected" $PGDIR/postgres.log >> /tmp/pgperf/$tag.serial.txt || true
cp $PGDIR/postgres.log /tmp/pgperf/$tag.postgres.log
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D $PGDIR/data -m fast -w stop >/dev/null
