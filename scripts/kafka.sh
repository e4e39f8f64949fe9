#!/usr/bin/env bash
# Single-node Apache Kafka 4.x (KRaft, combined broker+controller) on 127.0.0.1
# for CI integration tests. The jars come from Maven Central through
# deploy/kafka/pom.xml; nothing else is downloaded.
#
#   scripts/kafka.sh start     fetch jars (once), format storage, start, wait until ready
#   scripts/kafka.sh stop      stop the broker started from $KAFKA_DIR (no error if none)
#   scripts/kafka.sh version   print the Kafka version pinned in deploy/kafka/pom.xml
#
# Environment:
#   KAFKA_PORT             client listener port       (default 29092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port      (default 29093)
#   KAFKA_DIR              working dir                (default $PWD/.run/kafka)
#                          libs/        jars (kept across runs; refetched when the pom changes)
#                          data/        log.dirs (wiped on every start, see below)
#                          server.properties, log4j2.properties  (generated)
#                          kafka.log (broker), kafka.pid, format.log, mvn.log
#   JAVA_HOME              Java 17+ to use (else `java` on PATH)
#
# Maven uses the default local repository (~/.m2), so CI can cache that.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/deploy/kafka/pom.xml"
TEMPLATE="$ROOT/deploy/kafka/server.properties"

KAFKA_PORT="${KAFKA_PORT:-29092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-29093}"
KAFKA_DIR="${KAFKA_DIR:-$PWD/.run/kafka}"

READY_TIMEOUT_S=90
STOP_TIMEOUT_S=30
# Printed by KafkaRaftServer.startup() once broker and controller are both up,
# e.g. "[KafkaRaftServer nodeId=1] Kafka Server started (kafka.server.KafkaRaftServer)".
READY_LOG_LINE='Kafka Server started'

BROKER_MAIN='kafka.Kafka'
STORAGE_MAIN='kafka.tools.StorageTool'

say() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: error: %s\n' "$*" >&2; exit 1; }

kafka_version() {
  local v
  v="$(sed -n 's:.*<kafka.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</kafka.version>.*:\1:p' "$POM" | head -n1)"
  [[ -n "$v" ]] || die "no <kafka.version> in $POM"
  printf '%s\n' "$v"
}

now_ms() { date +%s%3N; }
secs_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s\n' "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    command -v java
  else
    die "java not found (need Java 17+; set JAVA_HOME or put java on PATH)"
  fi
}

check_java() {
  local out major
  out="$("$JAVA" -version 2>&1 | head -n1)"
  # 'openjdk version "17.0.15" ...' / 'java version "21" ...'
  major="$(sed -n 's/.*version "\([0-9]*\).*/\1/p' <<<"$out")"
  [[ "$major" =~ ^[0-9]+$ ]] || die "cannot tell the Java version from: $out"
  (( major >= 17 )) || die "Kafka 4.x needs Java 17+, $JAVA is: $out"
}

check_port_var() {
  local name="$1" val="$2"
  if ! [[ "$val" =~ ^[1-9][0-9]{0,4}$ ]] || (( val > 65535 )); then
    die "$name must be a TCP port, got '$val'"
  fi
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Pid from the pid file if that process is alive and is our broker.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: the process must be a java running kafka.Kafka.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- " $BROKER_MAIN " || return 1
  printf '%s\n' "$pid"
}

# Serialise start/stop on one KAFKA_DIR. fd 9 is closed for the broker JVM so the
# lock is released when this script exits.
take_lock() {
  exec 9>"$KAFKA_DIR/.lock"
  flock -w 120 9 || die "another scripts/kafka.sh is busy with $KAFKA_DIR"
}

set_paths() {
  mkdir -p "$KAFKA_DIR"
  KAFKA_DIR="$(cd "$KAFKA_DIR" && pwd)"
  LIBS="$KAFKA_DIR/libs"
  DATA="$KAFKA_DIR/data"
  PROPS="$KAFKA_DIR/server.properties"
  LOG4J="$KAFKA_DIR/log4j2.properties"
  LOG="$KAFKA_DIR/kafka.log"
  FORMAT_LOG="$KAFKA_DIR/format.log"
  PID_FILE="$KAFKA_DIR/kafka.pid"
}

# Jars into $LIBS, once. The stamp holds the pom's hash, so editing the pom
# (e.g. bumping the version) refetches; otherwise this is a no-op.
fetch_libs() {
  local want stamp="$LIBS/.pom.sha256" t0 tmp
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to fetch the Kafka jars)"
  say "fetching Apache Kafka $VERSION jars from Maven Central into $LIBS ..."
  t0="$(now_ms)"
  tmp="$KAFKA_DIR/libs.tmp"
  rm -rf "$tmp"
  # -B -q: batch mode, errors only. The plugin version is pinned in the pom.
  # Output goes to a file (shown only on failure): even with -B and
  # style.color=never, Debian's Maven 3.8 emits bare ANSI reset codes.
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" -DincludeScope=runtime >"$KAFKA_DIR/mvn.log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$KAFKA_DIR/mvn.log" >&2
    rm -rf "$tmp"
    die "maven could not fetch the Kafka jars (output above, also in $KAFKA_DIR/mvn.log)"
  fi
  compgen -G "$tmp/kafka_2.13-$VERSION.jar" >/dev/null || die "fetch finished but $tmp has no kafka_2.13-$VERSION.jar"
  printf '%s\n' "$want" >"$tmp/.pom.sha256"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) in $(secs_since "$t0") s"
}

write_config() {
  local listeners="PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT"
  local key
  for key in listeners advertised.listeners controller.quorum.bootstrap.servers log.dirs; do
    grep -q "^$key=" "$TEMPLATE" || die "$TEMPLATE lacks a '$key=' line"
  done
  sed -e "s|^listeners=.*|listeners=$listeners|" \
      -e "s|^advertised.listeners=.*|advertised.listeners=$listeners|" \
      -e "s|^controller.quorum.bootstrap.servers=.*|controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT|" \
      -e "s|^log.dirs=.*|log.dirs=$DATA|" \
      "$TEMPLATE" >"$PROPS"

  # Kafka 4 logs via slf4j -> log4j2 (binding in the pom). Without a config
  # log4j2 only prints ERRORs, so the readiness line would never show up.
  cat >"$LOG4J" <<'EOF'
# Generated by scripts/kafka.sh. Everything goes to stdout, which the script
# redirects to $KAFKA_DIR/kafka.log.
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
# Per-request and state-change chatter: only problems.
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.controller.name = kafka.controller
logger.controller.level = INFO
EOF
}

# A valid cluster id is 16 random bytes in URL-safe base64 without padding.
# Like org.apache.kafka.common.Uuid.randomUuid(), avoid ids starting with '-'
# (they read as CLI flags). Saves a JVM start over `StorageTool random-uuid`.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* && "$id" != "AAAAAAAAAAAAAAAAAAAAAA" ]] && break
  done
  printf '%s\n' "$id"
}

tail_log() {
  if [[ -f "$LOG" ]]; then
    echo "----- last 50 lines of $LOG -----" >&2
    tail -n 50 "$LOG" >&2
    echo "----- end of $LOG -----" >&2
  fi
}

# Stop a broker that failed to come up, so ports and KAFKA_DIR are free again.
abort_start() {
  local pid="$1" msg="$2"
  tail_log
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  die "$msg"
}

# Poll until the broker is up, the process died, or the deadline passed.
wait_ready() {
  local pid="$1" deadline=$(( $(date +%s) + READY_TIMEOUT_S ))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      abort_start "$pid" "broker process $pid exited during startup"
    fi
    if grep -q -- "$READY_LOG_LINE" "$LOG" 2>/dev/null && port_open "$KAFKA_PORT"; then
      return 0
    fi
    if (( $(date +%s) >= deadline )); then
      abort_start "$pid" "broker not ready on 127.0.0.1:$KAFKA_PORT after ${READY_TIMEOUT_S}s (killed pid $pid)"
    fi
    sleep 0.2
  done
}

cmd_start() {
  check_port_var KAFKA_PORT "$KAFKA_PORT"
  check_port_var KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
  [[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
  set_paths
  take_lock
  VERSION="$(kafka_version)"
  JAVA="$(java_bin)"
  check_java

  local pid
  if pid="$(running_pid)"; then
    # Same KAFKA_DIR already has a live broker: reuse it if it is the one asked for.
    if grep -qx "listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT" "$PROPS" 2>/dev/null; then
      wait_ready "$pid"
      say "Apache Kafka $VERSION ready on 127.0.0.1:$KAFKA_PORT (reused running pid $pid)"
      return 0
    fi
    die "a broker (pid $pid) from $KAFKA_DIR is already running with other ports ($(sed -n 's/^listeners=//p' "$PROPS")); run '$0 stop' first"
  fi
  rm -f "$PID_FILE"

  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_open "$p" && die "127.0.0.1:$p is already in use by another process"
  done

  fetch_libs
  write_config

  # Every start is a fresh, empty cluster: CI wants no topics, offsets or
  # groups left over from an earlier run, and re-formatting an existing
  # directory would fail anyway (format refuses a formatted dir). So the data
  # dir is wiped and formatted again each time; only libs/ is kept.
  rm -rf "$DATA"
  mkdir -p "$DATA"
  : >"$LOG"
  local cluster_id
  cluster_id="$(new_cluster_id)"
  # Short-lived JVM: C1 only + serial GC roughly halves its run time on 2 cores.
  if ! "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
      -Dlog4j2.configurationFile="$LOG4J" -cp "$LIBS/*" "$STORAGE_MAIN" \
      format --standalone --cluster-id "$cluster_id" --config "$PROPS" >"$FORMAT_LOG" 2>&1; then
    tail -n 50 "$FORMAT_LOG" >&2
    die "formatting $DATA failed (full output in $FORMAT_LOG)"
  fi

  # setsid: own session, so a Ctrl-C/hangup of the calling shell does not reach
  # the broker; setsid execs java, so $! is the JVM's pid.
  setsid "$JAVA" -Xmx512m -Xms512m \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J" \
    -cp "$LIBS/*" "$BROKER_MAIN" "$PROPS" \
    </dev/null >>"$LOG" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"

  wait_ready "$pid"
  say "Apache Kafka $VERSION ready on 127.0.0.1:$KAFKA_PORT"
}

cmd_stop() {
  set_paths
  take_lock
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( $(date +%s) + STOP_TIMEOUT_S ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(date +%s) >= deadline )); then
      say "pid $pid did not exit ${STOP_TIMEOUT_S}s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(( $(date +%s) + 10 ))
      while kill -0 "$pid" 2>/dev/null && (( $(date +%s) < deadline )); do sleep 0.1; done
      break
    fi
    sleep 0.1
  done
  rm -f "$PID_FILE"
  say "stopped (pid $pid)"
}

case "${1:-}" in
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  version) kafka_version ;;
  *)       echo "usage: $0 start|stop|version" >&2; exit 2 ;;
esac
