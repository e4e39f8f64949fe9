#!/usr/bin/env bash
# Builds every image docker-compose.yml needs without a container registry,
# from Debian packages, Maven Central and the Go module proxy (`make images-offline`):
#
#   <prefix>/debian-base:bookworm   debootstrap --variant=minbase + docker import
#   <prefix>/go-build:<go version>  debian-base + this host's Go toolchain + ca-certificates
#   <prefix>/runtime:bookworm       scratch + passwd (nonroot 65532), CA certificates, zoneinfo
#   <prefix>/kafka:<kafka version>  debian-base + openjdk-17-jre-headless + the Kafka jars of
#                                   deploy/kafka/pom.xml + an entrypoint compatible with apache/kafka
#   <prefix>/jaeger:<version>       debian-base + Jaeger built from tools/jaeger (placeholder web UI;
#                                   OTLP and the /api/v3 query API work)
#   <prefix>/postgres:15            debian-base + Debian's postgresql-15 (compose profile pg-<stack>: replicas)
#   <prefix>/haproxy:bookworm       debian-base + Debian's haproxy (the balancer in front of a service's replicas)
#   <prefix>/order-svc:<tag>, inventory-svc, invoicing-svc, fraud-svc   deploy/Dockerfile on go-build + runtime
#
# Images that exist are skipped (the service images are always rebuilt: their
# layer cache makes an unchanged build a few seconds). At the end it prints, and
# writes to .run/images.env, the variables that make compose use these images.
#
# Usage: scripts/images-offline.sh [--force] [--refresh] [--only LIST] [--env-file FILE]
#   --force      rebuild every selected image (downloads stay cached)
#   --refresh    also redo the cached downloads: Debian rootfs, Kafka jars, Jaeger binary
#   --only LIST  comma-separated subset of: base,go,runtime,kafka,jaeger,postgres,haproxy,services
#                (missing prerequisites are built anyway)
#   --env-file   where to write the variables (default .run/images.env; "-" for none)
#
# The Go build image also trusts the host's extra CA certificates
# (EXTRA_CA_CERTS_DIR, default /usr/local/share/ca-certificates), for networks
# whose TLS proxy re-signs proxy.golang.org.
#
# Environment: ORDERFLOW_IMAGE_PREFIX (default orderflow), ORDERFLOW_TAG (service
# images, default dev), DEBIAN_MIRROR (default http://deb.debian.org/debian),
# XDG_CACHE_HOME (cache under $XDG_CACHE_HOME/orderflow, default ~/.cache/orderflow;
# the static Jaeger binary there is shared with flowctl's native path),
# ORDERFLOW_BUILDKIT=1 (BuildKit instead of the classic builder).
#
# Needs: a Linux host whose Go toolchain matches the Docker engine's
# architecture, docker, debootstrap (root or passwordless sudo), mvn (Java 17).
# This file: options, checks, what to build, the summary; one function per
# image in scripts/images-offline-build.sh, which it sources.
set -euo pipefail
# Functions handed to run_logged are called indirectly.
# shellcheck disable=SC2317

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PREFIX="${ORDERFLOW_IMAGE_PREFIX:-orderflow}"
TAG="${ORDERFLOW_TAG:-dev}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/orderflow"
IMG_CACHE="$CACHE/images"
LOG_DIR="$IMG_CACHE/logs"
SERVICES=(order-svc inventory-svc invoicing-svc fraud-svc)

FORCE=false
REFRESH=false
ONLY="base,go,runtime,kafka,jaeger,postgres,haproxy,services"
ENV_FILE="$ROOT/.run/images.env"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while (( $# )); do
  case "$1" in
    --force) FORCE=true ;;
    --refresh) REFRESH=true; FORCE=true ;;
    --only) shift; ONLY="${1:?--only needs a list}" ;;
    --only=*) ONLY="${1#--only=}" ;;
    --env-file) shift; ENV_FILE="${1:?--env-file needs a path}" ;;
    --env-file=*) ENV_FILE="${1#--env-file=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "images-offline: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf 'images: %s\n' "$*"; }
die() { printf 'images: error: %s\n' "$*" >&2; exit 1; }
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", (b - a) / 1e9 }'; }
selected() { [[ ",$ONLY," == *",$1,"* ]]; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }
size_of() { docker image inspect -f '{{.Size}}' "$1" 2>/dev/null | awk '{ printf "%.0f MB", $1 / 1e6 }'; }

for part in ${ONLY//,/ }; do
  case "$part" in base|go|runtime|kafka|jaeger|postgres|haproxy|services) ;; *) die "--only: unknown part '$part'";; esac
done

SUMMARY=()
note() { SUMMARY+=("$(printf '%-34s %-10s %8s  %s' "$1" "$2" "$3" "$4")"); }

# run_logged LABEL LOG CMD...: runs CMD with its output in LOG, printing a line
# every 20 s with the newest log line, so a long step is never silent.
run_logged() {
  local label="$1" log="$2" pid t0 last=0 n rc line
  shift 2
  mkdir -p "$(dirname "$log")"
  t0="$(now)"
  "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    n="$(secs "$t0")"
    if (( n - last >= 20 )); then
      last=$n
      # The newest build step says more than the newest line ("---> Running in ...").
      line="$(grep -E '^(Step [0-9]+/[0-9]+ :|#[0-9]+ \[)' "$log" 2>/dev/null | tail -n 1 || true)"
      [[ -n "$line" ]] || line="$(tail -n 1 "$log" 2>/dev/null || true)"
      line="$(printf '%s' "$line" | tr -d '\r' | cut -c1-100)"
      say "  ... $label: ${n}s  | ${line:-(no output yet)}"
    fi
  done
  rc=0
  wait "$pid" || rc=$?
  if (( rc != 0 )); then
    echo "----- last 40 lines of $log -----" >&2
    tail -n 40 "$log" >&2
    echo "-----" >&2
    die "$label failed (exit $rc; full log $log)"
  fi
}

# The classic builder: it works with docker.io 20.10 and newer CLIs without the
# buildx plugin, and it always sees the local base images (a BuildKit builder
# with the docker-container driver does not, and would try to pull them).
# ORDERFLOW_BUILDKIT=1 uses BuildKit instead (needs buildx and the docker driver).
if [[ "${ORDERFLOW_BUILDKIT:-0}" == 1 ]]; then
  export DOCKER_BUILDKIT=1
  BUILD_FLAGS=(--progress=plain)
else
  export DOCKER_BUILDKIT=0
  BUILD_FLAGS=(--force-rm)
fi

# ---------------------------------------------------------------- checks
command -v docker >/dev/null || die "docker not found (apt-get install docker.io)"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd, or check DOCKER_HOST)"
command -v go >/dev/null || die "go not found"
[[ "$(go env GOOS)" == linux ]] || die "the Go build image copies this host's toolchain, which must be linux (is $(go env GOOS))"
ENGINE_ARCH="$(docker info -f '{{.Architecture}}' 2>/dev/null || true)"
case "$ENGINE_ARCH" in x86_64) ENGINE_ARCH=amd64 ;; aarch64) ENGINE_ARCH=arm64 ;; esac
[[ -z "$ENGINE_ARCH" || "$ENGINE_ARCH" == "$(go env GOARCH)" ]] || die "Docker runs $ENGINE_ARCH, the Go toolchain is $(go env GOARCH)"

GOVERSION="$(go env GOVERSION)"; GOVERSION="${GOVERSION#go}"
GOROOT_DIR="$(go env GOROOT)"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</kafka.version>.*:\1:p' deploy/kafka/pom.xml | head -n1)"
[[ -n "$KAFKA_VERSION" ]] || die "no <kafka.version> in deploy/kafka/pom.xml"
JAEGER_VERSION="$(awk '$1 == "github.com/jaegertracing/jaeger" { sub(/^v/, "", $2); print $2; exit }' tools/jaeger/go.mod)"
[[ -n "$JAEGER_VERSION" ]] || die "no github.com/jaegertracing/jaeger requirement in tools/jaeger/go.mod"

BASE_IMG="$PREFIX/debian-base:$SUITE"
GO_IMG="$PREFIX/go-build:$GOVERSION"
RUNTIME_IMG="$PREFIX/runtime:$SUITE"
KAFKA_IMG="$PREFIX/kafka:$KAFKA_VERSION"
JAEGER_IMG="$PREFIX/jaeger:$JAEGER_VERSION"
POSTGRES_IMG="$PREFIX/postgres:15"
HAPROXY_IMG="$PREFIX/haproxy:$SUITE"

mkdir -p "$IMG_CACHE" "$LOG_DIR"
T_ALL="$(now)"
say "building into the local engine (prefix '$PREFIX'; cache $CACHE; logs $LOG_DIR)"

# The builders, one function per image: scripts/images-offline-build.sh.
# shellcheck source=scripts/images-offline-build.sh
source "$ROOT/scripts/images-offline-build.sh"

# ------------------------------------------------------------------- main
need_base=false; need_go=false; need_runtime=false
selected services && { need_go=true; need_runtime=true; }
selected runtime && need_go=true
selected go && need_go=true
{ $need_go || selected kafka || selected jaeger || selected postgres || selected haproxy || selected base; } && need_base=true

if $need_base; then
  if selected base; then build_base
  elif ! exists "$BASE_IMG"; then build_base; fi
fi
if $need_go; then
  if selected go; then build_go
  elif ! exists "$GO_IMG"; then build_go; fi
fi
if $need_runtime; then
  if selected runtime; then build_runtime
  elif ! exists "$RUNTIME_IMG"; then build_runtime; fi
fi
selected kafka && build_kafka
selected jaeger && build_jaeger
selected postgres && build_postgres
selected haproxy && build_debian haproxy "$HAPROXY_IMG"
selected services && build_services

echo
say "done in $(secs "$T_ALL") s"
printf '  %s\n' "${SUMMARY[@]}"

VARS=(
  "KAFKA_IMAGE=$KAFKA_IMG"
  "JAEGER_IMAGE=$JAEGER_IMG"
  "POSTGRES_IMAGE=$POSTGRES_IMG"
  "HAPROXY_IMAGE=$HAPROXY_IMG"
  "GO_IMAGE=$GO_IMG"
  "RUNTIME_IMAGE=$RUNTIME_IMG"
  "ORDERFLOW_IMAGE_PREFIX=$PREFIX"
  "ORDERFLOW_TAG=$TAG"
)
echo
say "to use these images with docker compose (and testcontainers):"
echo "  export ${VARS[*]}"
if [[ "$ENV_FILE" != - ]]; then
  mkdir -p "$(dirname "$ENV_FILE")"
  {
    echo "# Written by scripts/images-offline.sh: local images for docker-compose.yml."
    echo "# Shell: set -a; . $ENV_FILE; set +a   compose: docker-compose --env-file $ENV_FILE ..."
    printf '%s\n' "${VARS[@]}"
  } >"$ENV_FILE"
  echo "  (also written to ${ENV_FILE#"$ROOT"/})"
fi
