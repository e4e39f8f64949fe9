#!/usr/bin/env bash
# A real Kubernetes API server on loopback, with etcd, for server-side
# dry-runs of deploy/k8s (make k8s-check). No nodes, no controllers: objects
# are validated and admitted (Pod Security included), and nothing runs.
#
#   scripts/kube-apiserver.sh build   build the API server into the cache (once per version)
#   scripts/kube-apiserver.sh start   build if needed, start etcd and the API server, wait for /readyz
#   scripts/kube-apiserver.sh stop    stop both (the processes this script started; no error if none)
#   scripts/kube-apiserver.sh kubeconfig   print the kubeconfig's path
#
# The API server is built from its pinned Go module (tools/kube-apiserver) and
# cached like Jaeger's build, outside the clone:
# $XDG_CACHE_HOME/orderflow/kube-apiserver-v<version>/kube-apiserver (default
# ~/.cache/orderflow/...). The first build takes minutes (measured:
# docs/runs/2026-12-06-k8s-check); later starts reuse it.
# etcd comes from the OS (Debian: apt-get install etcd-server).
#
# Environment:
#   KUBE_APISERVER_PORT  HTTPS port on 127.0.0.1        (default 26443)
#   KUBE_ETCD_PORT       etcd client port; peer = +1     (default 23790)
#   KUBE_APISERVER_DIR   working dir: certs, etcd data, logs, kubeconfig
#                        (default .run/kube-apiserver; wiped on every start)
#   KUBE_READY_TIMEOUT_S how long to wait for /readyz    (default 180)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${KUBE_APISERVER_PORT:-26443}"
ETCD_PORT="${KUBE_ETCD_PORT:-23790}"
DIR="${KUBE_APISERVER_DIR:-$ROOT/.run/kube-apiserver}"
READY_TIMEOUT_S="${KUBE_READY_TIMEOUT_S:-180}"

say() { printf 'kube-apiserver: %s\n' "$*" >&2; }
die() { printf 'kube-apiserver: error: %s\n' "$*" >&2; exit 1; }

version() {
  local v
  v="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$ROOT/tools/kube-apiserver/go.mod")"
  [[ -n "$v" ]] || die "no k8s.io/kubernetes requirement in tools/kube-apiserver/go.mod"
  printf '%s\n' "$v"
}

binary() {
  local cache="${XDG_CACHE_HOME:-${HOME:?neither XDG_CACHE_HOME nor HOME is set}/.cache}"
  printf '%s/orderflow/kube-apiserver-%s/kube-apiserver\n' "$cache" "$(version)"
}

build() {
  local bin t0; bin="$(binary)"
  if [[ -x "$bin" ]]; then say "cached: $bin"; return; fi
  mkdir -p "$(dirname "$bin")"
  say "building $(version) from tools/kube-apiserver (minutes on a cold cache) ..."
  t0=$(date +%s)
  (cd "$ROOT/tools/kube-apiserver" && GOWORK=off CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags='-s -w' \
    -o "$bin.tmp" k8s.io/kubernetes/cmd/kube-apiserver) || die "go build failed (see above)"
  mv "$bin.tmp" "$bin"
  say "built $bin ($(du -h "$bin" | cut -f1)) in $(( $(date +%s) - t0 )) s"
}

# certs writes a CA-less self-signed serving cert for 127.0.0.1, the service
# account key pair and a static admin token (group system:masters).
certs() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
    -keyout "$DIR/serving.key" -out "$DIR/serving.crt" 2>/dev/null || die "openssl: serving certificate"
  openssl genrsa -out "$DIR/sa.key" 2048 2>/dev/null || die "openssl: service-account key"
  openssl rsa -in "$DIR/sa.key" -pubout -out "$DIR/sa.pub" 2>/dev/null || die "openssl: service-account public key"
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DIR/token"
  printf '%s,admin,admin,"system:masters"\n' "$(cat "$DIR/token")" >"$DIR/tokens.csv"
  cat >"$DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: local
    cluster: {server: "https://127.0.0.1:$PORT", certificate-authority: "$DIR/serving.crt"}
users:
  - name: admin
    user: {token: "$(cat "$DIR/token")"}
contexts:
  - name: local
    context: {cluster: local, user: admin}
current-context: local
EOF
}

# spawn starts a command in its own session, its pid in $DIR/<name>.pid.
spawn() {
  local name=$1; shift
  setsid "$@" >"$DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/$name.pid"
}

start() {
  command -v etcd >/dev/null || die "no etcd on PATH; install it: apt-get install -y etcd-server"
  command -v openssl >/dev/null || die "no openssl on PATH; install it: apt-get install -y openssl"
  build
  stop
  rm -rf "$DIR"; mkdir -p "$DIR"
  certs
  spawn etcd etcd --name local --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "local=http://127.0.0.1:$((ETCD_PORT + 1))"
  # --advertise-address and --endpoint-reconciler-type=none: on loopback the
  # server otherwise exits ("may not be in the loopback range").
  spawn apiserver "$(binary)" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --secure-port "$PORT" --advertise-address 127.0.0.1 --endpoint-reconciler-type none \
    --tls-cert-file "$DIR/serving.crt" --tls-private-key-file "$DIR/serving.key" \
    --service-account-key-file "$DIR/sa.pub" --service-account-signing-key-file "$DIR/sa.key" \
    --service-account-issuer https://kubernetes.default.svc --service-cluster-ip-range 10.96.0.0/16 \
    --token-auth-file "$DIR/tokens.csv" --authorization-mode RBAC
  wait_ready
}

# wait_ready polls /readyz until its whole body is "ok": before that it lists
# "[+]... ok" lines, which a substring match would take for ready.
wait_ready() {
  local t0 body="" pid
  t0=$(date +%s)
  while (( $(date +%s) - t0 < READY_TIMEOUT_S )); do
    for pid in etcd apiserver; do
      kill -0 "$(cat "$DIR/$pid.pid")" 2>/dev/null || { tail -15 "$DIR/$pid.log" >&2; die "$pid exited (log: $DIR/$pid.log)"; }
    done
    body="$(curl -s --max-time 5 --cacert "$DIR/serving.crt" -H "Authorization: Bearer $(cat "$DIR/token")" \
      "https://127.0.0.1:$PORT/readyz" || true)"
    if [[ "$body" == ok ]]; then
      say "ready on https://127.0.0.1:$PORT in $(( $(date +%s) - t0 )) s (kubeconfig: $DIR/kubeconfig)"
      return
    fi
    sleep 1
  done
  tail -15 "$DIR/apiserver.log" >&2
  die "/readyz not \"ok\" after ${READY_TIMEOUT_S} s; last answer: $(printf '%s' "$body" | grep -v '^\[+\]' | head -3 | tr '\n' ' ')"
}

stop() {
  local name pid
  for name in apiserver etcd; do
    [[ -f "$DIR/$name.pid" ]] || continue
    pid="$(cat "$DIR/$name.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      say "stopped $name (pid $pid)"
    fi
    rm -f "$DIR/$name.pid"
  done
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  kubeconfig) printf '%s\n' "$DIR/kubeconfig" ;;
  *) die "usage: $0 build|start|stop|kubeconfig" ;;
esac
