#!/usr/bin/env bash
# Smoke test of the Docker path: bring up a compose profile, place one order per
# stack, wait for its final status, check that Jaeger holds its trace with spans
# from all three services, then `down -v`.
#
#   deploy/docker/smoke.sh [all|sync|events|cluster]   (default all = sync + events)
#
# KEEP=1 leaves the stack running. It refuses to start when the compose project
# (COMPOSE_PROJECT_NAME, default orderflow) already has containers, so it never
# removes a stack it did not start. Uses deploy/docker/compose.sh, so the local
# images of .run/images.env are used when that file exists. Needs python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
profile="${1:-all}"
compose=(deploy/docker/compose.sh --profile "$profile")
jaeger="http://127.0.0.1:${JAEGER_UI_HOST_PORT:-16686}"

case "$profile" in
  all) checks=("8081 sync 201" "8181 events 202" "8281 events-orchestration 202") ;;
  orchestration) checks=("8281 events-orchestration 202") ;;
  sync) checks=("8081 sync 201") ;;
  events) checks=("8181 events 202") ;;
  cluster) checks=("8381 cluster 202") ;;
  *) echo "usage: $0 [all|sync|events|orchestration|cluster]" >&2; exit 2 ;;
esac

# Never tear down somebody else's stack: flowctl's Docker runtime and its tests
# use the same project name (and the same host ports).
project="${COMPOSE_PROJECT_NAME:-orderflow}"
if [[ -n "$(docker ps -aq --filter "label=com.docker.compose.project=$project")" ]]; then
  echo "smoke: compose project '$project' already has containers (a demo or test is using it); not touching it." >&2
  echo "smoke: stop it first (make down), or run with another COMPOSE_PROJECT_NAME once the ports are free." >&2
  exit 1
fi

cleanup() {
  if [[ "${KEEP:-0}" != 1 ]]; then
    echo "smoke: down -v"
    "${compose[@]}" down -v >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

t0=$(date +%s)
echo "smoke: up --profile $profile"
"${compose[@]}" up -d

# check PORT NAME WANT_CODE: one order through one stack, printed as it goes.
check() {
  python3 - "$@" "$jaeger" <<'EOF'
import json, sys, time, urllib.request, urllib.error
port, name, want, jaeger = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
base = f"http://127.0.0.1:{port}"
body = json.dumps({"customer_id": "smoke", "items": [{"sku": "SKU-001", "qty": 1}]}).encode()
req = urllib.request.Request(base + "/orders", data=body, headers={"Content-Type": "application/json"})
t = time.time()
try:
    r = urllib.request.urlopen(req, timeout=10); code, order = r.status, json.load(r)
except urllib.error.HTTPError as e:
    code, order = e.code, json.load(e)
print(f"smoke: {name}: POST /orders -> {code} {order.get('status')} in {(time.time()-t)*1000:.0f} ms")
if code != want:
    sys.exit(f"smoke: {name}: want HTTP {want}")
deadline = time.time() + 60
while not order.get("final") and time.time() < deadline:
    time.sleep(0.1)
    order = json.load(urllib.request.urlopen(f"{base}/orders/{order['id']}", timeout=5))
print(f"smoke: {name}: order {order['id']} {order['status']} (time to final {order.get('time_to_final_ms')} ms)")
if order.get("status") != "CONFIRMED":
    sys.exit(f"smoke: {name}: want CONFIRMED")
tid, services = order["trace_id"], {}
deadline = time.time() + 30  # spans are exported in batches every few seconds
while time.time() < deadline:
    try:
        d = json.load(urllib.request.urlopen(f"{jaeger}/api/v3/traces/{tid}", timeout=5))
        services = {}
        for rs in d.get("result", {}).get("resourceSpans", []):
            svc = next(a["value"]["stringValue"] for a in rs["resource"]["attributes"] if a["key"] == "service.name")
            services[svc] = services.get(svc, 0) + sum(len(s.get("spans", [])) for s in rs.get("scopeSpans", []))
        if len(services) >= 3:
            break
    except (urllib.error.URLError, ValueError, KeyError, StopIteration):
        pass
    time.sleep(1)
print(f"smoke: {name}: trace {tid}: {services}")
if len(services) < 3:
    sys.exit(f"smoke: {name}: want spans from three services in {jaeger}/api/v3/traces/{tid}")
EOF
}

for c in "${checks[@]}"; do
  # shellcheck disable=SC2086
  check $c
done
echo "smoke: OK ($profile) in $(( $(date +%s) - t0 )) s"
