#!/usr/bin/env bash
# Records what replay and independent-evolution measure on a fresh events
# stack and again after a load filled its log (issue 20, item 5: results
# must not depend on what ran before). Natively, without Jaeger, on its own
# run dir and ports, so it touches no stack you have running:
#   docs/runs/2026-12-06-history/record.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
run=$(mktemp -d)
bin="$run/flowctl"
go build -o "$bin" ./flowctl
fc() { RUNTIME=native "$bin" --run-dir "$run/run" --port-base "${PORT_BASE:-17000}" --broker-port "${BROKER_PORT:-17900}" "$@"; }
trap 'fc down >/dev/null 2>&1 || true' EXIT

fc up --mode events --no-jaeger
echo "== fresh: flowctl scenario replay independent-evolution --mode events --no-jaeger"
fc scenario replay independent-evolution --mode events --no-jaeger --json >"$here/fresh.json"
echo "== the log filled: flowctl load --mode events --rate 100 --duration 30s"
fc load --mode events --rate 100 --duration 30s --settle 1m --no-jaeger | tail -3
echo "== after the load: the same scenarios again"
fc scenario replay independent-evolution --mode events --no-jaeger --json >"$here/after-load.json"
