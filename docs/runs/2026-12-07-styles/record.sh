#!/usr/bin/env bash
# Records, on the code of issue 21, the three styles side by side: `make demo`
# (flowctl compare on sync, events-choreography and events-orchestration, every
# scenario, add-a-step among them) with its report, and `flowctl bench` per
# style with messages per order.
#
# Natively (embedded broker, Jaeger from source) on its own run dir and ports,
# so it does not touch a stack you have running (Jaeger's ports are fixed:
# stop another Jaeger first):
#   docs/runs/2026-12-07-styles/record.sh [name…]   (names: demo, bench)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
run=$(mktemp -d)
bin="$run/flowctl"
go build -o "$bin" ./flowctl
fc() { RUNTIME=native "$bin" --run-dir "$run/run" --port-base "${PORT_BASE:-17000}" --broker-port "${BROKER_PORT:-17900}" "$@"; }
trap 'fc down >/dev/null 2>&1 || true' EXIT
wanted() { ((${#names[@]} == 0)) || [[ " ${names[*]} " == *" $1 "* ]]; }
names=("$@")

fc up --mode sync
fc up --mode events
fc up --mode events-orchestration
# `make demo` runs `flowctl compare` on the three stacks at once: its report (page 1: the five questions) goes under demo/.
if wanted demo; then
  echo "== demo: flowctl compare --mode all"
  rm -rf "$here/demo"
  fc compare --mode all --out "${here#"$PWD"/}/demo" --json >"$here/demo.json"
  mv "$here"/demo/*/* "$here/demo/" && rmdir "$here"/demo/*/ 2>/dev/null || true
  # The ledger check after the whole demo, on the three stacks.
  fc audit --mode all --settle 30s | tee "$here/demo-audit.txt"
fi
if wanted bench; then
  echo "== bench: flowctl bench --mode all"
  fc down
  rm -rf "$here/bench"
  fc bench --mode all --no-jaeger --start 100 --factor 2 --max 6400 --baseline-max 25600 --step-duration 5s --settle 5s --pause 1s \
    --out "${here#"$PWD"/}/bench" | tee "$here/bench.txt"
  mv "$here"/bench/*/* "$here/bench/" && rmdir "$here"/bench/*/ 2>/dev/null || true
fi
