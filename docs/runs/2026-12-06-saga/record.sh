#!/usr/bin/env bash
# Records the saga scenarios' example runs that docs/workshop.md and
# docs/decision-checklist.md quote: each scenario at workshop size (the
# default --orders, --rate, --down-for), both modes, with --json, into one
# results file each. Natively, on its own run dir and ports, so it does not
# touch a stack you have running:
#   docs/runs/2026-12-06-saga/record.sh [scenario…]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
run=$(mktemp -d)
bin="$run/flowctl"
go build -o "$bin" ./flowctl
fc() { RUNTIME=native "$bin" --run-dir "$run/run" --port-base "${PORT_BASE:-17000}" --broker-port "${BROKER_PORT:-17900}" "$@"; }
trap 'fc down >/dev/null 2>&1 || true' EXIT

fc up --mode sync
fc up --mode events
for name in payment-declined deadline cancel-race; do
  if (($#)) && [[ " $* " != *" $name "* ]]; then continue; fi
  echo "== flowctl scenario $name --mode both --json"
  fc scenario "$name" --mode both --json >"$here/$name.json"
done
