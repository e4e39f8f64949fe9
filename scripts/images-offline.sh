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

# ------------------------------------------------------------ debian base
as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo -n "$@"; fi; }

make_rootfs() {
  local dir="$1" tar="$2"
  as_root rm -rf "$dir"
  as_root debootstrap --variant=minbase "$SUITE" "$dir" "$MIRROR"
  # Like the Debian images on Docker Hub: security updates reachable, no
  # recommends, no docs or man pages in later installs, no apt caches.
  as_root sh -c "cat >'$dir/etc/apt/sources.list'" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb ${MIRROR%/debian}/debian-security $SUITE-security main
EOF
  as_root sh -c "cat >'$dir/etc/apt/apt.conf.d/docker-minimal'" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
EOF
  as_root sh -c "cat >'$dir/etc/dpkg/dpkg.cfg.d/docker-minimal'" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  as_root sh -c "rm -rf '$dir'/var/lib/apt/lists/* '$dir'/var/cache/apt/*.bin '$dir'/var/cache/apt/archives/*.deb '$dir'/var/log/*.log '$dir'/var/log/apt/* '$dir'/tmp/*; : >'$dir/etc/machine-id'; rm -f '$dir/etc/hostname' '$dir/etc/resolv.conf'"
  as_root tar --numeric-owner -C "$dir" -cf "$tar.tmp" .
  as_root rm -rf "$dir"
  mv "$tar.tmp" "$tar"
}

build_base() {
  local tar="$IMG_CACHE/debian-$SUITE-minbase.tar" t0
  if $FORCE || ! exists "$BASE_IMG"; then
    t0="$(now)"
    if $REFRESH || [[ ! -s "$tar" ]]; then
      command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
      say "base: debootstrap --variant=minbase $SUITE from $MIRROR (a few minutes) ..."
      run_logged "debootstrap" "$LOG_DIR/debootstrap.log" make_rootfs "$IMG_CACHE/rootfs.tmp" "$tar"
      say "base: rootfs $(du -h "$tar" | cut -f1) cached in $tar ($(secs "$t0") s)"
    else
      say "base: reusing cached rootfs $tar"
    fi
    docker image rm -f "$BASE_IMG" >/dev/null 2>&1 || true
    docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["/bin/bash"]' \
      --message "debootstrap --variant=minbase $SUITE" \
      "$tar" "$BASE_IMG" >/dev/null
    note "$BASE_IMG" built "$(secs "$t0") s" "$(size_of "$BASE_IMG")"
    say "base: $BASE_IMG built in $(secs "$t0") s ($(size_of "$BASE_IMG"))"
  else
    note "$BASE_IMG" exists - "$(size_of "$BASE_IMG")"
    say "base: $BASE_IMG exists, skipped"
  fi
}

# ---------------------------------------------------------- docker helpers
# build_tar NAME IMAGE LOG [docker build args...] -- [tar args...]
# Builds IMAGE from a build context streamed as a tar (no staging copies).
build_tar() {
  local name="$1" image="$2" log="$3" t0
  shift 3
  local bargs=() targs=()
  while (( $# )) && [[ "$1" != -- ]]; do bargs+=("$1"); shift; done
  shift
  targs=("$@")
  t0="${STEP_T0:-$(now)}"
  say "$name: building $image ..."
  _build_tar() {
    set -o pipefail
    tar --owner=0 --group=0 -cf - "${targs[@]}" | docker build "${BUILD_FLAGS[@]}" "${bargs[@]}" -t "$image" -
  }
  run_logged "$name" "$log" _build_tar
  note "$image" built "$(secs "$t0") s" "$(size_of "$image")"
  say "$name: $image built in $(secs "$t0") s ($(size_of "$image"))"
}

skip_or() {  # skip_or NAME IMAGE: true if IMAGE must be built
  if ! $FORCE && exists "$2"; then
    note "$2" exists - "$(size_of "$2")"
    say "$1: $2 exists, skipped"
    return 1
  fi
  return 0
}

# --------------------------------------------------------------- go build
build_go() {
  skip_or go "$GO_IMG" || return 0
  local gr_parent gr_name
  gr_parent="$(dirname "$GOROOT_DIR")"; gr_name="$(basename "$GOROOT_DIR")"
  say "go: Go $GOVERSION from $GOROOT_DIR ($(du -sh "$GOROOT_DIR" | cut -f1), without test/ api/ doc/)"
  # Extra CAs the host trusts (e.g. a TLS-intercepting proxy's) go into the
  # image too, or the module proxy is unreachable from containers.
  local ca_src="${EXTRA_CA_CERTS_DIR:-/usr/local/share/ca-certificates}" ca_dir="$IMG_CACHE/extra-ca"
  rm -rf "$ca_dir"; mkdir -p "$ca_dir"
  if [[ -d "$ca_src" ]]; then
    find "$ca_src" -maxdepth 1 -type f -name '*.crt' -exec cp {} "$ca_dir/" \;
  fi
  if compgen -G "$ca_dir/*.crt" >/dev/null; then
    say "go: adding the host's extra CA certificates: $(cd "$ca_dir" && echo *.crt)"
  fi
  build_tar go "$GO_IMG" "$LOG_DIR/go-build.log" --build-arg "BASE_IMAGE=$BASE_IMG" -- \
    --anchored --exclude="$gr_name/test" --exclude="$gr_name/api" --exclude="$gr_name/doc" --exclude="$gr_name/.git" \
    -C "$ROOT/deploy/docker/go-build" Dockerfile \
    -C "$IMG_CACHE" extra-ca \
    -C "$gr_parent" --transform "s,^$gr_name,go," "$gr_name"
}

# ---------------------------------------------------------------- runtime
build_runtime() {
  skip_or runtime "$RUNTIME_IMG" || return 0
  build_tar runtime "$RUNTIME_IMG" "$LOG_DIR/runtime.log" --build-arg "SOURCE_IMAGE=$GO_IMG" -- \
    -C "$ROOT/deploy/docker/runtime" Dockerfile
}

# ------------------------------------------------------------------ kafka
kafka_libs() {  # prints the directory holding the jars, fetching them once
  local dir="$CACHE/kafka-$KAFKA_VERSION-libs" want
  want="$(sha256sum deploy/kafka/pom.xml | cut -d' ' -f1)"
  if ! $REFRESH && [[ -f "$dir/.pom.sha256" && "$(cat "$dir/.pom.sha256")" == "$want" ]]; then
    printf '%s\n' "$dir"; return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (needed to fetch the Kafka jars from Maven Central)"
  local t0; t0="$(now)"
  say "kafka: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central ..." >&2
  rm -rf "$dir.tmp"
  _mvn() { mvn -B -q -Dstyle.color=never -f deploy/kafka/pom.xml dependency:copy-dependencies \
             -DoutputDirectory="$dir.tmp" -DincludeScope=runtime; }
  run_logged "maven" "$LOG_DIR/maven.log" _mvn >&2
  [[ -f "$dir.tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "maven finished without kafka_2.13-$KAFKA_VERSION.jar"
  printf '%s\n' "$want" >"$dir.tmp/.pom.sha256"
  rm -rf "$dir"; mv "$dir.tmp" "$dir"
  say "kafka: $(find "$dir" -name '*.jar' | wc -l) jars, $(du -sh "$dir" | cut -f1), in $(secs "$t0") s" >&2
  printf '%s\n' "$dir"
}

build_kafka() {
  skip_or kafka "$KAFKA_IMG" || return 0
  local libs STEP_T0
  STEP_T0="$(now)"  # the summary's time includes fetching the jars
  libs="$(kafka_libs)"
  build_tar kafka "$KAFKA_IMG" "$LOG_DIR/kafka.log" --build-arg "BASE_IMAGE=$BASE_IMG" -- \
    --exclude=.pom.sha256 \
    -C "$ROOT/deploy/docker/kafka" Dockerfile run kafka-run-class.sh server.properties tools-log4j2.properties \
    -C "$(dirname "$libs")" --transform "s,^$(basename "$libs"),libs," "$(basename "$libs")"
}

# ----------------------------------------------------------------- jaeger
jaeger_binary() {
  local dir="$CACHE/jaeger-v$JAEGER_VERSION-static" t0
  if ! $REFRESH && [[ -x "$dir/jaeger" ]]; then
    printf '%s\n' "$dir"; return 0
  fi
  t0="$(now)"
  say "jaeger: building Jaeger v$JAEGER_VERSION (cmd/jaeger, CGO_ENABLED=0) from tools/jaeger; 3-10 minutes the first time ..." >&2
  mkdir -p "$dir"
  _go() { cd "$ROOT/tools/jaeger" && GOWORK=off CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' \
            -o "$dir/jaeger.tmp" github.com/jaegertracing/jaeger/cmd/jaeger; }
  run_logged "jaeger go build" "$LOG_DIR/jaeger-go-build.log" _go >&2
  mv "$dir/jaeger.tmp" "$dir/jaeger"
  say "jaeger: binary $(du -h "$dir/jaeger" | cut -f1) in $(secs "$t0") s" >&2
  printf '%s\n' "$dir"
}

build_jaeger() {
  skip_or jaeger "$JAEGER_IMG" || return 0
  local bin STEP_T0
  STEP_T0="$(now)"  # the summary's time includes building the binary
  bin="$(jaeger_binary)"
  build_tar jaeger "$JAEGER_IMG" "$LOG_DIR/jaeger.log" --build-arg "BASE_IMAGE=$BASE_IMG" -- \
    -C "$ROOT/deploy/docker/jaeger" Dockerfile \
    -C "$ROOT/deploy/jaeger" config.yaml \
    -C "$bin" jaeger
}

# ------------------------------------------------------- postgres, haproxy
# build_debian NAME IMAGE: deploy/docker/NAME's Dockerfile on the Debian base.
build_debian() {
  skip_or "$1" "$2" || return 0
  build_tar "$1" "$2" "$LOG_DIR/$1.log" --build-arg "BASE_IMAGE=$BASE_IMG" -- -C "$ROOT/deploy/docker/$1" .
}

# build_postgres: deploy/docker/postgres with scripts/postgres.sh, its entrypoint.
build_postgres() {
  skip_or postgres "$POSTGRES_IMG" || return 0
  build_tar postgres "$POSTGRES_IMG" "$LOG_DIR/postgres.log" --build-arg "BASE_IMAGE=$BASE_IMG" -- \
    -C "$ROOT/deploy/docker/postgres" Dockerfile -C "$ROOT/scripts" postgres.sh
}

# --------------------------------------------------------------- services
build_services() {
  local svc image t0
  for svc in "${SERVICES[@]}"; do
    image="$PREFIX/$svc:$TAG"
    t0="$(now)"
    say "services: building $image (deploy/Dockerfile; cached layers make an unchanged build quick) ..."
    _svc() {
      docker build "${BUILD_FLAGS[@]}" -f deploy/Dockerfile \
        --build-arg "SERVICE=$svc" --build-arg "GO_IMAGE=$GO_IMG" --build-arg "RUNTIME_IMAGE=$RUNTIME_IMG" \
        -t "$image" .
    }
    run_logged "$svc" "$LOG_DIR/$svc.log" _svc
    note "$image" built "$(secs "$t0") s" "$(size_of "$image")"
    say "services: $image built in $(secs "$t0") s ($(size_of "$image"))"
  done
}

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
