# shellcheck shell=bash
# The image builders of scripts/images-offline.sh, which sources this file
# after its checks: one function per image (build_base, build_go,
# build_runtime, build_kafka, build_jaeger, build_debian, build_services)
# and the helpers they share (build_tar, skip_or). They read the settings
# and image names images-offline.sh sets (PREFIX, SUITE, *_IMG, CACHE,
# IMG_CACHE, LOG_DIR, FORCE, REFRESH, BUILD_FLAGS) and its say, die, now,
# secs, note, exists, size_of and run_logged. Not meant to be run alone.

# Functions handed to run_logged are called indirectly.
# shellcheck disable=SC2317

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

# skip_or NAME IMAGE [CONTEXT]: true if IMAGE must be built. With CONTEXT
# (context_hash of its files) an image built from other files is rebuilt:
# its tag alone would keep a changed haproxy.cfg or postgres.sh out of it on
# a machine that built it before.
skip_or() {
  if ! $FORCE && exists "$2"; then
    if [[ -z "${3:-}" || "$(context_of "$2")" == "$3" ]]; then
      note "$2" exists - "$(size_of "$2")"
      say "$1: $2 exists, skipped"
      return 1
    fi
    say "$1: $2 was built from other files than the checkout's: rebuilding"
  fi
  return 0
}

# context_hash TAR_ARGS…: the build context's files and contents (no times,
# owners or order), kept on the image as the label org.orderflow.context.
context_hash() {
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "$@" | sha256sum | cut -c1-16
}
context_of() { docker image inspect -f '{{index .Config.Labels "org.orderflow.context"}}' "$1" 2>/dev/null; }

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
# build_debian NAME IMAGE [TAR_ARGS…]: a Dockerfile on the Debian base, its
# context deploy/docker/NAME unless TAR_ARGS say otherwise; rebuilt when
# those files change (skip_or).
build_debian() {
  local name="$1" image="$2" h
  shift 2
  local ctx=("$@")
  ((${#ctx[@]})) || ctx=(-C "$ROOT/deploy/docker/$name" .)
  h="$(context_hash "${ctx[@]}")"
  skip_or "$name" "$image" "$h" || return 0
  build_tar "$name" "$image" "$LOG_DIR/$name.log" --build-arg "BASE_IMAGE=$BASE_IMG" --label "org.orderflow.context=$h" -- "${ctx[@]}"
}

# build_postgres: deploy/docker/postgres with scripts/postgres.sh, its entrypoint.
build_postgres() {
  build_debian postgres "$POSTGRES_IMG" -C "$ROOT/deploy/docker/postgres" Dockerfile -C "$ROOT/scripts" postgres.sh
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

