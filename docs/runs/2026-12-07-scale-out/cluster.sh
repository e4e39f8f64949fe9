#!/usr/bin/env bash
# record.sh's cluster part: the events stack (natively, on PostgreSQL-free
# SQLite defaults) on Apache Kafka 4.1.1 in Docker, first one broker (RF 1),
# then the 3-broker KRaft cluster of the compose file's cluster profile (RF 3,
# min.insync.replicas 2, acks=all): flowctl bench, then a steady flowctl load.
# Its own compose project (orderflow-rec), removed at the end.
#   cluster.sh FLOWCTL RUN_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
bin=$1 run=$2
export COMPOSE_PROJECT_NAME=orderflow-rec
compose=deploy/docker/compose.sh
fc() { RUNTIME=native "$bin" --run-dir "$run/run" --port-base "${PORT_BASE:-17000}" --broker-port "${BROKER_PORT:-17900}" "$@"; }
trap '$compose --profile events --profile cluster down -v >/dev/null 2>&1 || true; fc down >/dev/null 2>&1 || true' EXIT
mkdir -p "$here/cluster"
for setup in one-broker three-brokers; do
  case $setup in
  one-broker) profile=events brokers=127.0.0.1:9092 rf=1 svcs=(kafka) ;;
  three-brokers) profile=cluster brokers=127.0.0.1:9192,127.0.0.1:9193,127.0.0.1:9194 rf=3 svcs=(kafka-1 kafka-2 kafka-3) ;;
  esac
  echo "== cluster: $setup (${svcs[*]}, replication factor $rf)"
  $compose --profile "$profile" up -d "${svcs[@]}"
  fc down >/dev/null 2>&1 || true
  # Warm up first: three JVMs just started on 2 cores still compile (JIT) for
  # minutes; a first run measured 100 orders/s at p50 ~0.6 s on the cold cluster
  # and 62 ms four minutes later. The warm-up's own numbers are kept.
  KAFKA_BROKERS=$brokers KAFKA_REPLICATION_FACTOR=$rf KAFKA_TOPIC_PREFIX=warm. \
    fc load --mode events --no-jaeger --rate 50 --duration "${WARMUP:-90s}" >"$here/cluster/warmup-$setup.txt"
  fc down >/dev/null 2>&1 || true
  rm -rf "$here/cluster/bench-$setup"
  KAFKA_BROKERS=$brokers KAFKA_REPLICATION_FACTOR=$rf KAFKA_TOPIC_PREFIX=bench. \
    fc bench --mode events --no-jaeger --start 100 --factor 2 --max 6400 --baseline-max 25600 --step-duration 5s --settle 5s --pause 1s \
    --out "${here#"$PWD"/}/cluster/bench-$setup" | tee "$here/cluster/bench-$setup.txt"
  mv "$here/cluster/bench-$setup"/*/* "$here/cluster/bench-$setup/" && rmdir "$here/cluster/bench-$setup"/*/ 2>/dev/null || true
  fc down >/dev/null 2>&1 || true
  # A steady load well under both ceilings: what every hop's acks=all costs in time to consistency.
  KAFKA_BROKERS=$brokers KAFKA_REPLICATION_FACTOR=$rf KAFKA_TOPIC_PREFIX=load. \
    fc load --mode events --no-jaeger --rate "${CLUSTER_RATE:-100}" --duration 30s | tee "$here/cluster/load-$setup.txt"
  fc down >/dev/null 2>&1 || true
  $compose --profile "$profile" down -v
done
