#!/usr/bin/env bash
# /opt/kafka/bin/kafka-run-class.sh of the orderflow Kafka image (jars from
# Maven Central, no distribution tarball). Same contract as the script in the
# Apache Kafka distribution:
#
#   kafka-run-class.sh [-daemon-less] CLASS [ARGS...]
#
# honouring KAFKA_HEAP_OPTS (default -Xmx256M), KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_LOG4J_OPTS, KAFKA_JMX_OPTS with JMX_PORT, KAFKA_GC_LOG_OPTS, KAFKA_OPTS,
# JAVA_HOME and CLASSPATH.
#
# The same file is installed under the names of the usual CLI scripts
# (kafka-topics.sh, kafka-broker-api-versions.sh, ...); called by such a
# name it runs the matching tool class, so one compose healthcheck
# (/opt/kafka/bin/kafka-broker-api-versions.sh) works with this image and the
# official apache/kafka image.
set -euo pipefail

base_dir=/opt/kafka
self="$(basename "$0")"

tool_class() {
  case "$1" in
    kafka-server-start.sh)          echo kafka.Kafka ;;
    kafka-storage.sh)               echo kafka.tools.StorageTool ;;
    kafka-topics.sh)                echo org.apache.kafka.tools.TopicCommand ;;
    kafka-broker-api-versions.sh)   echo org.apache.kafka.tools.BrokerApiVersionsCommand ;;
    kafka-consumer-groups.sh)       echo org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    kafka-console-consumer.sh)      echo org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    kafka-console-producer.sh)      echo org.apache.kafka.tools.ConsoleProducer ;;
    kafka-configs.sh)               echo kafka.admin.ConfigCommand ;;
    kafka-metadata-quorum.sh)       echo org.apache.kafka.tools.MetadataQuorumCommand ;;
    kafka-log-dirs.sh)              echo org.apache.kafka.tools.LogDirsCommand ;;
    kafka-get-offsets.sh)           echo org.apache.kafka.tools.GetOffsetShell ;;
    kafka-dump-log.sh)              echo kafka.tools.DumpLogSegments ;;
    kafka-reassign-partitions.sh)   echo org.apache.kafka.tools.reassign.ReassignPartitionsCommand ;;
    kafka-leader-election.sh)       echo org.apache.kafka.tools.LeaderElectionCommand ;;
    kafka-features.sh)              echo org.apache.kafka.tools.FeatureCommand ;;
    kafka-cluster.sh)               echo org.apache.kafka.tools.ClusterTool ;;
    kafka-delete-records.sh)        echo org.apache.kafka.tools.DeleteRecordsCommand ;;
    kafka-transactions.sh)          echo org.apache.kafka.tools.TransactionsCommand ;;
    kafka-producer-perf-test.sh)    echo org.apache.kafka.tools.ProducerPerformance ;;
    kafka-consumer-perf-test.sh)    echo org.apache.kafka.tools.ConsumerPerformance ;;
    *) return 1 ;;
  esac
}

server=false
if [[ "$self" == kafka-run-class.sh ]]; then
  if [[ $# -lt 1 ]]; then
    echo "usage: $0 CLASS [ARGS...]" >&2
    exit 2
  fi
  class="$1"
  shift
  [[ "$class" == kafka.Kafka ]] && server=true
else
  class="$(tool_class "$self")" || { echo "$self: unknown tool name" >&2; exit 2; }
  if [[ "$self" == kafka-server-start.sh ]]; then
    server=true
    if [[ $# -lt 1 ]]; then
      echo "usage: $0 server.properties [--override property=value]*" >&2
      exit 2
    fi
  fi
fi

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java=java
fi

if $server; then
  heap_default="-Xmx1G -Xms1G"
  log4j_default="-Dlog4j2.configurationFile=$base_dir/config/log4j2.properties"
else
  heap_default="-Xmx256M"
  log4j_default="-Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.properties"
fi
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:-$heap_default}"
KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:-$log4j_default}"
KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"

jmx_opts=""
if [[ -n "${JMX_PORT:-}" ]]; then
  jmx_opts="${KAFKA_JMX_OPTS:--Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false} -Dcom.sun.management.jmxremote.port=$JMX_PORT"
fi
gc_opts=""
if $server; then
  gc_opts="${KAFKA_GC_LOG_OPTS:-}"
fi

cp="$base_dir/libs/*"
[[ -n "${CLASSPATH:-}" ]] && cp="$cp:$CLASSPATH"

# Word splitting of the *_OPTS variables is intended, as in the original script.
# shellcheck disable=SC2086
exec "$java" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $gc_opts $jmx_opts $KAFKA_LOG4J_OPTS ${KAFKA_OPTS:-} \
  -cp "$cp" "$class" "$@"
